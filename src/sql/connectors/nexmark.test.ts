/**
 * The nexmark table's source under nested projection push-down: for random ROW types (some of
 * each part's fields, declared in any order) and random pushed nested projections, each ROW
 * value holds exactly the fields the connector promises (`exactRowFields` of the scan's
 * narrowed column), in that order, with the values of the generator's full event; and a read
 * interrupted by a snapshot and restored emits what an uninterrupted one does.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DataStream } from '../../api/data-stream.js';
import type { StreamExecutionEnvironment } from '../../api/environment.js';
import { readAll, replayAcrossSnapshot } from '../../connectors/common/testing.js';
import { DEFAULT_BASE_TIME } from '../../connectors/nexmark/nexmark-config.js';
import { NexmarkGenerator } from '../../connectors/nexmark/nexmark-generator.js';
import { PART_FIELDS, type PartKind } from '../../connectors/nexmark/nexmark-parts.js';
import type { NexmarkSplit } from '../../connectors/nexmark/nexmark-split.js';
import type { Source } from '../../types/source.js';
import type { CatalogColumn, CatalogTable } from '../catalog/catalog.js';
import { type SqlType, Types } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import { nexmarkConfigOf, nexmarkFactory } from './nexmark.js';

const KINDS = ['person', 'auction', 'bid'] as const;

/** A ROW column of `fields` (types do not matter to the source). */
const rowColumn = (name: string, fields: readonly string[]): CatalogColumn =>
  ({
    name,
    type: {
      root: 'ROW',
      nullable: true,
      fields: fields.map((f) => ({ name: f, type: Types.BIGINT })),
    } as SqlType,
  }) as CatalogColumn;

/** Per kind: the fields its ROW type declares (some, in any order) and the ones the scan reads of them. */
const partTypes = fc.record(
  Object.fromEntries(
    KINDS.map((kind) => [
      kind,
      fc
        .shuffledSubarray([...PART_FIELDS[kind]], { minLength: 1 })
        .chain((declared) =>
          fc.tuple(
            fc.constant(declared),
            fc.option(fc.subarray(declared, { minLength: 1 }), { nil: undefined }),
          ),
        ),
    ]),
  ) as Record<PartKind, fc.Arbitrary<[string[], string[] | undefined]>>,
);

/** The source a scan of these columns builds, caught from the environment it asks for a stream. */
function sourceOf(
  options: Record<string, string>,
  types: Record<PartKind, [string[], string[] | undefined]>,
): { source: Source<Row, NexmarkSplit, unknown>; fields: Record<PartKind, readonly string[]> } {
  const columns: CatalogColumn[] = [
    { name: 'event_type', type: Types.INT } as CatalogColumn,
    ...KINDS.map((kind) => rowColumn(kind, types[kind][0])),
  ];
  const nested: Record<string, string[]> = {};
  for (const kind of KINDS) if (types[kind][1] !== undefined) nested[kind] = types[kind][1]!;
  let source: Source<Row, NexmarkSplit, unknown> | undefined;
  const env = {
    fromSource: (s: Source<Row, NexmarkSplit, unknown>) => {
      source = s;
      return undefined as unknown as DataStream<Row>;
    },
  } as unknown as StreamExecutionEnvironment;
  const table = { name: 'datagen', options } as unknown as CatalogTable;
  nexmarkFactory.createSource!({ env, table, columns, nestedProjection: nested });
  // What the planner's scan emits: each ROW type narrowed to the fields read, in its order.
  const fields = Object.fromEntries(
    KINDS.map((kind) => {
      const [declared, read] = types[kind];
      const narrowed = rowColumn(kind, read ?? declared);
      return [kind, nexmarkFactory.exactRowFields!(narrowed)!];
    }),
  ) as Record<PartKind, readonly string[]>;
  return { source: source!, fields };
}

describe('the nexmark source with a pushed nested projection', () => {
  test('builds each ROW value of the promised fields, in order, with the full event’s values', async () => {
    await fc.assert(
      fc.asyncProperty(partTypes, fc.integer({ min: 1, max: 400 }), async (types, events) => {
        const options = { 'events.num': String(events), 'person.avg-size': '150b' };
        const { source, fields } = sourceOf(options, types);
        for (const kind of KINDS) expect(fields[kind]).toEqual(types[kind][1] ?? types[kind][0]);
        const { records } = await readAll(source, 1);
        const generator = new NexmarkGenerator({ ...nexmarkConfigOf(options), baseTime: DEFAULT_BASE_TIME });
        expect(records.length).toBe(events);
        records.forEach((row, index) => {
          const event = generator.event(index);
          expect(row.event_type).toBe(event.type);
          for (const kind of KINDS) {
            const whole = event[kind] as unknown as Record<string, unknown> | null;
            const value = row[kind] as Record<string, unknown> | null;
            if (whole === null) {
              expect(value).toBeNull();
              continue;
            }
            expect(Object.keys(value!)).toEqual(fields[kind]);
            for (const f of fields[kind]) expect(value![f]).toBe(whole[f]);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  test('resumes exactly once from a snapshot, at another parallelism too', async () => {
    await fc.assert(
      fc.asyncProperty(
        partTypes,
        fc.integer({ min: 1, max: 1500 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(5), { maxLength: 5 }),
        fc.array(fc.nat(5), { maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (types, events, parallelism, before, after, restoredParallelism) => {
          const options = { 'events.num': String(events) };
          const result = await replayAcrossSnapshot(() => sourceOf(options, types).source, {
            parallelism,
            before,
            after,
            restoredParallelism,
            deal: [],
          });
          expect(result.actual).toEqual(result.expected);
          expect([...result.actual.values()].flat().length).toBe(events);
          expect(result.snapshotChanged).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });
});
