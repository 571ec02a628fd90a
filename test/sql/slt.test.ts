/**
 * Runs every `test/sql/*.slt` file (format in `slt-format.ts`): each file gets a fresh
 * TableEnvironment on a local environment of parallelism 1, and its records run in order as
 * one test each, named by file and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { formatValue } from '../../src/sql/expressions/runtime.js';
import { localTimeZone } from '../../src/sql/expressions/time-zone.js';
import { formatChangelogRow } from '../../src/sql/planner/changelog.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { tempDirs } from '../support/temp-dirs.js';
import { replayChangelog } from './changelog-consistency.js';
import { parseSlt, type SltRecord } from './slt-format.js';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.slt'))
  .sort();

async function run(tEnv: TableEnvironment, printed: string[], record: SltRecord): Promise<void> {
  switch (record.kind) {
    case 'statement ok': {
      printed.length = 0;
      const result = tEnv.executeSql(record.sql);
      await result.await();
      if (record.expected !== undefined) {
        const lines = printed
          .join('')
          .split('\n')
          .filter((l) => l !== '');
        expect(lines.sort()).toEqual([...record.expected].sort());
      }
      return;
    }
    case 'statement error': {
      let message: string | undefined;
      try {
        const result = tEnv.executeSql(record.sql);
        // An INSERT's rows are there at submission; its job can still fail at run time.
        await result.await();
        await result.collect();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, 'the statement should fail').toBeDefined();
      expect(message).toBe(record.expected?.join('\n'));
      expect(message).not.toContain('\n');
      return;
    }
    case 'query': {
      const result = tEnv.executeSql(record.sql);
      const columns = result.columnTypes();
      const format = (row: Record<string, unknown>) =>
        columns.map((col) => formatValue(row[col.name], col.type, localTimeZone(tEnv.getConfig())));
      if (record.consistent) {
        const changes = (await result.collectChanges()).map((c) => ({
          kind: c.kind,
          row: format(c.row).join(' | '),
        }));
        expect(replayChangelog(result.getChangelogMode(), changes)).toEqual(
          [...(record.expected ?? [])].sort(),
        );
        return;
      }
      if (record.changes) {
        const changes = await result.collectChanges();
        let lines = changes.map((c) => formatChangelogRow(c.kind, format(c.row)));
        let expected = [...(record.expected ?? [])];
        if (record.rowsort) {
          lines = lines.sort();
          expected = expected.sort();
        }
        expect(lines).toEqual(expected);
        return;
      }
      const rows = await result.collect();
      // A multi-line value (EXPLAIN text) spans several expected lines.
      let lines = rows.flatMap((row) =>
        columns
          .map((c) => formatValue(row[c.name], c.type, localTimeZone(tEnv.getConfig())))
          .join(' | ')
          .split('\n'),
      );
      let expected = [...(record.expected ?? [])];
      if (record.rowsort) {
        lines = lines.sort();
        expected = expected.sort();
      }
      expect(lines).toEqual(expected);
      return;
    }
    case 'explain':
      expect(tEnv.explainSql(record.sql).split('\n')).toEqual(record.expected);
      return;
  }
}

const tempDir = tempDirs('weir-slt-');
const TMP = '__TMP__';

/** The record with `__TMP__` replaced by `dir` in its SQL and expected lines. */
function inDir(record: SltRecord, dir: () => string): SltRecord {
  const text = record.sql + (record.expected ?? []).join('\n');
  if (!text.includes(TMP)) return record;
  const replace = (s: string) => s.replaceAll(TMP, dir());
  return {
    ...record,
    sql: replace(record.sql),
    ...(record.expected === undefined ? {} : { expected: record.expected.map(replace) }),
  };
}

for (const file of files) {
  describe(file, () => {
    const printed: string[] = [];
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1), {
      printTarget: { write: (text: string) => printed.push(text) },
    });
    let dir: string | undefined;
    const fileDir = () => (dir ??= tempDir());
    for (const record of parseSlt(readFileSync(join(here, file), 'utf8'))) {
      test(`${file}:${record.line} ${record.kind}`, () => run(tEnv, printed, inDir(record, fileDir)));
    }
  });
}
