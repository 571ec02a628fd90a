/**
 * The event-time temporal join's timers, as a property: whatever the interleaving of versions,
 * left rows and watermarks (none of them late), each left row joins the latest version of its
 * key at or before its time, as a model computes from the whole input, and once the watermark
 * has passed everything only the latest version of each key is left in state. Each timer joins
 * only the rows of its own time, so this checks that no row is left behind or joined twice.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { EventTimeTemporalJoin } from '../../src/sql/runtime/temporal/temporal-join-function.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';

type Step =
  | { kind: 'version'; k: string; dt: number; v: number }
  | { kind: 'left'; k: string; dt: number }
  | { kind: 'watermark'; dt: number };

const key = fc.constantFrom('a', 'b', 'c');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('version' as const),
    k: key,
    dt: fc.integer({ min: 1, max: 30 }),
    v: fc.nat(99),
  }),
  fc.record({ kind: fc.constant('left' as const), k: key, dt: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('watermark' as const), dt: fc.integer({ min: 0, max: 10 }) }),
);

test('every left row joins the latest version at or before its time; old versions are dropped', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
        new CoProcessOperator(
          new EventTimeTemporalJoin({
            joinType: 'left',
            leftTime: 't',
            rightTime: 'rt',
            rightColumns: ['k2', 'v', 'rt'],
            rightIsChangelog: false,
          }),
          true,
        ),
        (l) => l.k,
        (r) => r.k2,
      );
      h.open();
      let watermark = 0;
      const versions = new Map<string, number>(); // `${k}@${rt}` → v, the last one written
      const lefts: { k: string; t: number }[] = [];
      for (const s of steps) {
        // Times lie ahead of the watermark, so nothing is late.
        if (s.kind === 'version') {
          const rt = watermark + s.dt;
          versions.set(`${s.k}@${rt}`, s.v);
          h.processElement2({ k2: s.k, v: s.v, rt }, rt);
        } else if (s.kind === 'left') {
          const t = watermark + s.dt;
          lefts.push({ k: s.k, t });
          h.processElement1({ k: s.k, t }, t);
        } else {
          watermark += s.dt;
          h.processWatermark1(watermark);
          h.processWatermark2(watermark);
        }
      }
      h.processWatermark1(10_000);
      h.processWatermark2(10_000);
      const expected = lefts.map(({ k, t }) => {
        let best = -1;
        for (const name of versions.keys()) {
          const [vk, rt] = name.split('@') as [string, string];
          if (vk === k && Number(rt) <= t && Number(rt) > best) best = Number(rt);
        }
        return `${k}:${t}:${best < 0 ? null : versions.get(`${k}@${best}`)}`;
      });
      const actual = h.extractOutputValues().map((r) => `${r.k}:${r.t}:${r.v}`);
      expect(actual.sort()).toEqual(expected.sort());
      // Left buffers are empty and each key with versions keeps only its latest.
      const keys = new Set([...versions.keys()].map((n) => n.split('@')[0]));
      expect(h.numKeyedStateEntries()).toBe(keys.size);
    }),
    { numRuns: 300 },
  );
});
