/**
 * The MATCH_RECOGNIZE operator in a keyed harness: event-time rows out of order come out as
 * sorted rows would, late rows are dropped, a snapshot taken mid-match and restored (at the same
 * parallelism, or split over two subtasks by key group) gives the output of an uninterrupted
 * run, and with WITHIN a partition's state is gone once its partial matches time out.
 *
 * The spec is Flink's AFTER MATCH example: `PATTERN (A+ C) DEFINE A AS SUM(A.price) < 30`,
 * measuring SUM(A.price), FIRST(ts) and LAST(ts).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { afterMatchExampleSpec } from '../../../../test/support/match-recognize-spec.js';
import type { Row } from '../../expressions/compiler.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { ProcessOperator } from '../../../runtime/operators/process-operators.js';
import { restoreKeyedState, snapshotKeyedState } from '../../../state/keyed-snapshot.js';
import { assignToKeyGroup } from '../../../state/key-groups.js';
import { MatchRecognizeFunction } from './match-recognize-function.js';

type Harness = KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>;
type Snapshot = ReturnType<typeof snapshotKeyedState>;

function harness(withinMs?: number, snapshot?: Snapshot, parallelism = 1, subtaskIndex = 0): Harness {
  const h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
    new ProcessOperator(new MatchRecognizeFunction(afterMatchExampleSpec(withinMs)), true) as never,
    (r: Row) => r.k,
    { parallelism, subtaskIndex },
  );
  if (snapshot !== undefined) restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
  h.open();
  return h;
}

/** Feeds a row, then the watermark two time units behind the latest time so far. */
function feed(h: Harness, row: Row, maxTs: number): void {
  h.processElement(row, row.ts as number);
  h.processWatermark(maxTs - 2);
}

/** One uninterrupted run: rows in, the watermark two units behind the latest time. */
class KeyedRun {
  private readonly h: Harness;
  private maxTs = 0;

  constructor(within?: number) {
    this.h = harness(within);
  }

  feed(row: Row): void {
    this.maxTs = Math.max(this.maxTs, row.ts as number);
    feed(this.h, row, this.maxTs);
  }

  finish(): Row[] {
    this.h.processWatermark(Number.MAX_SAFE_INTEGER);
    return this.h.extractOutputValues();
  }
}

/** The rows of each partition in their order, partitions one after another. */
function byKey(rows: readonly Row[]): Row[] {
  return [...rows].sort((x, y) => String(x.k).localeCompare(String(y.k)));
}

/** Flink's example rows, prices 7 9 10 5 10 7 14 at times 1..7. */
const EXAMPLE = [7, 9, 10, 5, 10, 7, 14].map((price, i) => ({ k: 'x', ts: i + 1, price }));

describe('MatchRecognizeFunction', () => {
  test("Flink's SKIP PAST LAST ROW example, from rows out of order, with a late row dropped", () => {
    const h = harness();
    // Times 1..7 shuffled within the two units the watermark lags; a price-1 row at time 2
    // arrives after the watermark passed 3 and must not join the match.
    const order = [1, 0, 2, 4, 3, 5, 6];
    let maxTs = 0;
    order.forEach((i, n) => {
      const row = EXAMPLE[i]!;
      maxTs = Math.max(maxTs, row.ts);
      feed(h, row, maxTs);
      if (n === 4) feed(h, { k: 'x', ts: 2, price: 1 }, maxTs);
    });
    h.processWatermark(Number.MAX_SAFE_INTEGER);
    expect(h.extractOutputValues()).toEqual([
      { k: 'x', sumPrice: 26, startTime: 1, endTime: 4 },
      { k: 'x', sumPrice: 17, startTime: 5, endTime: 7 },
    ]);
  });

  test('a snapshot taken mid-match and restored, or the input sorted, gives the same output (property)', () => {
    const rowArb = fc.record({
      k: fc.constantFrom('a', 'b', 'c'),
      price: fc.integer({ min: 1, max: 15 }),
      jitter: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.option(fc.integer({ min: 3, max: 12 }), { nil: undefined }),
        (input, cuts, within) => {
          const rows = input.map((r, i) => ({ k: r.k, price: r.price, ts: 10 + i - r.jitter, n: i }));
          const run = (restoreAt: ReadonlySet<number>) => {
            let h = harness(within);
            const out: Row[] = [];
            let maxTs = 0;
            rows.forEach((row, i) => {
              if (restoreAt.has(i)) {
                const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
                out.push(...h.extractOutputValues());
                h = harness(within, snapshot);
              }
              maxTs = Math.max(maxTs, row.ts);
              feed(h, row, maxTs);
            });
            h.processWatermark(Number.MAX_SAFE_INTEGER);
            out.push(...h.extractOutputValues());
            return out;
          };
          // Partitions are independent: only the order within each one is defined (timers of
          // different keys due at one watermark fire in no set order), so compare per key.
          const expected = byKey(run(new Set()));
          expect(byKey(run(new Set(cuts.map((c) => c % (rows.length + 1)))))).toEqual(expected);
          // No row is late (the jitter is within the watermark's lag), so the rows sorted by
          // time (ties in arrival order) give the same matches.
          const sorted = new KeyedRun(within);
          for (const row of [...rows].sort((x, y) => x.ts - y.ts)) sorted.feed(row);
          expect(byKey(sorted.finish())).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('restored at parallelism 2, each subtask continues the partial matches of its key groups', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const rows = keys.flatMap((k, j) => EXAMPLE.map((r) => ({ ...r, k, price: r.price + (j % 2) })));
    const byTime = [...rows].sort((x, y) => x.ts - y.ts);
    const half = byTime.findIndex((r) => r.ts === 4);
    const whole = harness();
    let maxTs = 0;
    for (const row of byTime) feed(whole, row, (maxTs = Math.max(maxTs, row.ts)));
    whole.processWatermark(Number.MAX_SAFE_INTEGER);
    const expected = whole.extractOutputValues();

    const before = harness();
    maxTs = 0;
    for (const row of byTime.slice(0, half)) feed(before, row, (maxTs = Math.max(maxTs, row.ts)));
    expect(before.extractOutputValues()).toEqual([]); // every match is still partial
    expect(before.numKeyedStateEntries()).toBeGreaterThan(0);
    const snapshot = snapshotKeyedState(before.keyedBackend!, before.timeServiceManager);
    const subtasks = [0, 1].map((i) => {
      const { start, end } = harness(undefined, undefined, 2, i).keyedBackend!.keyGroupRange;
      return harness(
        undefined,
        snapshot.filter(([g]) => g >= start && g <= end),
        2,
        i,
      );
    });
    const owner = (k: unknown) => {
      const group = assignToKeyGroup(k, 128);
      return subtasks.findIndex((s) => {
        const { start, end } = s.keyedBackend!.keyGroupRange;
        return group >= start && group <= end;
      });
    };
    for (const row of byTime.slice(half)) {
      maxTs = Math.max(maxTs, row.ts);
      subtasks[owner(row.k)]!.processElement(row, row.ts);
      for (const s of subtasks) s.processWatermark(maxTs - 2);
    }
    const got = subtasks.flatMap((s) => {
      s.processWatermark(Number.MAX_SAFE_INTEGER);
      return s.extractOutputValues();
    });
    const sorted = (list: Row[]) =>
      [...list].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sorted(got)).toEqual(sorted(expected));
    expect(new Set(keys.map(owner)).size).toBe(2); // both subtasks own some partition
  });

  test('with WITHIN, a partition whose partial matches time out keeps no state', () => {
    const h = harness(3);
    let maxTs = 0;
    for (const row of EXAMPLE.slice(0, 3)) feed(h, row, (maxTs = Math.max(maxTs, row.ts)));
    expect(h.numKeyedStateEntries()).toBeGreaterThan(0);
    h.processWatermark(Number.MAX_SAFE_INTEGER);
    // A+ took 7 9 10 (sum 26 < 30) and may take rows until the watermark passes time 1 + 3;
    // then it times out. Flink's greedy loop formed no branch where C took the 10 (A could take
    // it), so there is no match at all (nor at the later starts, which time out too).
    expect(h.extractOutputValues()).toEqual([]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});
