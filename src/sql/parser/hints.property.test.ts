/**
 * Property tests of hint lexing and parsing: any string value of a hint option comes back as
 * written (quotes doubled in the text), a plain block comment holding any text (even `/*+` or
 * an OPTIONS call) is skipped wherever a hint would parse, and a `*` `/` outside a hint stays a
 * multiplication followed by a comment rather than closing anything.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { QueryStatement, Select, TableRef } from './ast.js';
import { parseStatement } from './parse.js';

const quoted = (s: string) => `'${s.replaceAll("'", "''")}'`;
const select = (sql: string) => (parseStatement(sql) as QueryStatement).query.body as Select;
/** Comment text: no `*` followed by `/` (it would close the comment early), no leading `+` (a hint). */
const commentText = fc.string().map((s) => ` ${s.replaceAll('*/', '* /')}`);

describe('SQL hints in the lexer and grammar', () => {
  test('option keys and values round-trip through quoting', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, value) => {
        const hints = select(`SELECT /*+ STATE_TTL(${quoted(key)} = ${quoted(value)}) */ 1`).hints!;
        expect(hints).toHaveLength(1);
        expect(hints[0]!.kvOptions.map((o) => [o.key, o.value])).toEqual([[key, value]]);
      }),
    );
  });

  test('a plain comment is skipped, whatever it holds, and a hint beside it is read', () => {
    fc.assert(
      fc.property(commentText, (text) => {
        const from = select(`SELECT /*${text}*/ n FROM t /*+ OPTIONS('a' = 'b') */ /*${text}*/ WHERE n > 1`)
          .from as TableRef;
        expect(from.name).toEqual(['t']);
        expect(from.hints?.map((h) => h.name)).toEqual(['OPTIONS']);
      }),
    );
  });

  test('outside a hint, * then a comment is a multiplication', () => {
    fc.assert(
      fc.property(commentText, fc.nat(99), fc.nat(99), (text, a, b) => {
        const item = select(`SELECT ${a}*/*${text}*/${b}`).items[0]!;
        expect(item.expr).toMatchObject({ kind: 'binary', op: '*' });
      }),
    );
  });
});
