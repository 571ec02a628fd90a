/**
 * The assigner's fast path for `WATERMARK FOR ts AS ts [- INTERVAL …]` (the largest rowtime
 * kept, the constant subtracted when emitting) against the general path that evaluates the
 * compiled expression per row: the same rows, watermarks and idleness changes at the same points,
 * on out-of-order rowtimes with NULLs, processing-time steps past the period and the idle
 * timeout, and upstream watermarks. Also which expressions the planner recognises.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { OperatorSetup } from '../../src/runtime/operator.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { OutputElement } from '../../src/runtime/testing/output-collector.js';
import { Types } from '../../src/sql/catalog/types.js';
import { compileExpression, type Row } from '../../src/sql/expressions/compiler.js';
import { call, field, literal, type Rex } from '../../src/sql/expressions/rex.js';
import { lastValueMemo } from '../../src/sql/planner/fused-source-chain.js';
import { rowtimeLag } from '../../src/sql/planner/watermark-lag.js';
import {
  FusedSourceChain,
  SqlWatermarkAssigner,
  type WatermarkAssignerSpec,
} from '../../src/sql/runtime/watermark-assigner.js';
import { MAX_WATERMARK } from '../../src/types/elements.js';

const TS = Types.timestamp(3);
const column = field('ts', TS);
const minus = (ms: number): Rex => call('-', [column, literal(ms, Types.INTERVAL_DAY_TIME)], TS);

type Op =
  | { readonly kind: 'row'; readonly ts: number | null }
  | { readonly kind: 'time'; readonly step: number }
  | { readonly kind: 'watermark'; readonly value: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('row' as const),
      ts: fc.option(fc.integer({ min: 0, max: 20_000 }), { freq: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('time' as const), step: fc.integer({ min: 1, max: 1500 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('watermark' as const),
      value: fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.constant(MAX_WATERMARK)),
    }),
  },
);

/** `r<ts>`, `w<t>`, `idle`/`active`: everything the assigner emitted, in order. */
function trace(elements: readonly OutputElement<Row>[]): string[] {
  return elements.map((e) =>
    'value' in e ? `r${e.timestamp}` : 'watermark' in e ? `w${e.watermark}` : e.idle ? 'idle' : 'active',
  );
}

function run(
  make: (spec: WatermarkAssignerSpec) => SqlWatermarkAssigner,
  spec: WatermarkAssignerSpec,
  intervalMs: number,
  ops: readonly Op[],
): string[] {
  // The job's interval, as the runtime gives it (the harness gives 0).
  const operator = make(spec);
  const setup = operator.setup.bind(operator);
  operator.setup = (given: OperatorSetup<Row>) => setup({ ...given, autoWatermarkInterval: intervalMs });
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(operator);
  let now = 0;
  for (const op of ops) {
    if (op.kind === 'row') h.processElement({ ts: op.ts, v: 1 });
    else if (op.kind === 'time') h.setProcessingTime((now += op.step));
    else h.processWatermark(op.value);
  }
  return trace(h.getOutput());
}

const kinds = {
  plain: (spec: WatermarkAssignerSpec) => new SqlWatermarkAssigner(spec),
  fused: (spec: WatermarkAssignerSpec) => new FusedSourceChain(spec),
};

describe('watermark fast path', () => {
  test('emits exactly what evaluating the expression per row emits', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(undefined), fc.constantFrom(0, 1, 4000), fc.integer({ min: 0, max: 10_000 })),
        fc.constantFrom(0, 50, 200),
        fc.constantFrom(0, 100, 1000),
        fc.constantFrom('plain', 'fused') as fc.Arbitrary<keyof typeof kinds>,
        fc.array(opArb, { maxLength: 80 }),
        (lagMs, intervalMs, idleTimeoutMs, kind, ops) => {
          const rex = lagMs === undefined ? column : minus(lagMs);
          const lag = rowtimeLag(rex, 'ts');
          expect(lag).toBe(lagMs ?? 0);
          const expression = compileExpression(rex);
          const rowtimeOf = (row: Row) => row.ts as number;
          const general: WatermarkAssignerSpec = {
            rowtimeOf,
            watermarkOf: expression,
            idleTimeoutMs,
            // The fused chain's general path: the expression over the rowtime, memoised.
            ...(kind === 'fused' ? { watermarkOfRowtime: lastValueMemo((ts) => expression({ ts })) } : {}),
          };
          const fast = { ...general, rowtimeLag: lag };
          expect(run(kinds[kind], fast, intervalMs, ops)).toEqual(run(kinds[kind], general, intervalMs, ops));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('rowtimeLag', () => {
  test('recognises the rowtime and the rowtime less a day-time interval literal', () => {
    expect(rowtimeLag(column, 'ts')).toBe(0);
    expect(rowtimeLag(minus(4000), 'ts')).toBe(4000);
  });

  test('leaves every other expression to the general path', () => {
    const other = field('other', TS);
    const cases: Rex[] = [
      other,
      call('-', [other, literal(4000, Types.INTERVAL_DAY_TIME)], TS),
      call('+', [column, literal(4000, Types.INTERVAL_DAY_TIME)], TS),
      // A month is not a constant number of milliseconds.
      call('-', [column, literal(1, Types.INTERVAL_YEAR_MONTH)], TS),
      call('-', [column, field('gap', Types.INTERVAL_DAY_TIME)], TS),
      call('-', [field('ts', Types.BIGINT), literal(4, Types.BIGINT)], Types.BIGINT),
      call('CAST', [column], TS),
    ];
    for (const rex of cases) expect(rowtimeLag(rex, 'ts')).toBeUndefined();
  });
});
