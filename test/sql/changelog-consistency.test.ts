/**
 * The checker behind `query changes-consistent` (changelog-consistency.ts): it accepts every
 * order of a consistent changelog and refuses one that retracts a row not there or carries a
 * kind its mode does not.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RowKind } from '../../src/sql/planner/changelog.js';
import { type FormattedChange, replayChangelog } from './changelog-consistency.js';
import { parseSlt } from './slt-format.js';

const change = (text: string): FormattedChange => ({
  kind: text.slice(0, 2) as RowKind,
  row: text.slice(3, -1),
});

/** A consistent retract changelog built from random adds and takebacks, with its final rows. */
const changelogs = fc
  .array(fc.record({ row: fc.constantFrom('a', 'b', 'c | NULL'), add: fc.boolean(), update: fc.boolean() }), {
    maxLength: 40,
  })
  .map((steps) => {
    const live: string[] = [];
    const changes: FormattedChange[] = [];
    for (const { row, add, update } of steps) {
      const at = live.indexOf(row);
      if (add || at < 0) {
        live.push(row);
        changes.push({ kind: update ? '+U' : '+I', row });
      } else {
        live.splice(at, 1);
        changes.push({ kind: update ? '-U' : '-D', row });
      }
    }
    return { changes, final: live.sort() };
  });

describe('replayChangelog', () => {
  test('a consistent changelog replays to the rows it leaves', () => {
    fc.assert(
      fc.property(changelogs, ({ changes, final }) => {
        expect(replayChangelog('retract', changes)).toEqual(final);
      }),
    );
  });

  test('a retraction of a row that is not there is refused, wherever it stands', () => {
    fc.assert(
      fc.property(changelogs, fc.nat(), fc.constantFrom<RowKind>('-U', '-D'), ({ changes }, at, kind) => {
        const i = at % (changes.length + 1);
        const bad = [...changes.slice(0, i), { kind, row: 'never' }, ...changes.slice(i)];
        expect(() => replayChangelog('retract', bad)).toThrow(
          `change ${i + 1} ${kind}[never] retracts a row that is not there`,
        );
      }),
    );
  });

  test('a row retracted more often than emitted is refused', () => {
    const changes = ['+I[1, 10, 0]', '-D[1, 10, 0]', '+I[1, 10, 1]', '-D[1, 10, 0]'].map(change);
    expect(() => replayChangelog('retract', changes)).toThrow(
      'change 4 -D[1, 10, 0] retracts a row that is not there',
    );
  });

  test('a kind the mode does not carry is refused', () => {
    expect(() => replayChangelog('insert-only', [change('+I[a]'), change('-D[a]')])).toThrow(
      'change 2 -D[a]: a insert-only changelog has no -D',
    );
    expect(() => replayChangelog('retract-no-deletes', [change('+I[a]'), change('-D[a]')])).toThrow(
      /has no -D/,
    );
  });

  test('an upsert changelog is refused, as its rows are replaced by a key the text does not hold', () => {
    expect(() => replayChangelog('upsert', [change('+I[a]')])).toThrow(/compare it with 'query changes'/);
  });

  test('rows left several times are listed as often', () => {
    expect(replayChangelog('retract', ['+I[b]', '+I[a]', '+I[b]', '-U[a]', '+U[c]'].map(change))).toEqual([
      'b',
      'b',
      'c',
    ]);
  });
});

describe('query changes-consistent records', () => {
  test('parse apart from query changes', () => {
    const [consistent, exact] = parseSlt(
      'query changes-consistent\nSELECT 1\n----\n1\n\nquery changes\nSELECT 2\n----\n+I[2]\n',
    );
    expect(consistent).toMatchObject({ kind: 'query', consistent: true, changes: false, expected: ['1'] });
    expect(exact).toMatchObject({ kind: 'query', consistent: false, changes: true, expected: ['+I[2]'] });
  });

  test('other suffixes are refused', () => {
    expect(() => parseSlt('query changes-exact\nSELECT 1\n')).toThrow(
      "line 1: unknown record header 'query changes-exact'",
    );
    expect(() => parseSlt('statement changes-consistent\nSELECT 1\n')).toThrow(/unknown record header/);
    expect(() => parseSlt('\nquery changes-consistent rowsort\nSELECT 1\n')).toThrow(
      "line 2: 'query changes-consistent' compares rows in any order; drop 'rowsort'",
    );
  });
});
