/**
 * The `nexmark` connector: the Nexmark generator as a SQL table, with the layout and options of
 * the reference `nexmark` table factory. A row is `{event_type, person, auction, bid}`: the
 * event's kind (0 person, 1 auction, 2 bid) and one ROW value per kind, `null` for the other two.
 * The ROW values are the generator's own Person, Auction and Bid objects, whose field names are
 * the table's ROW field names, so a row costs one small object on top of the event and nothing
 * is copied field by field. The readers share the index space by stride as `NexmarkSource`'s do
 * and keep their positions in checkpoints, so a query's result does not depend on parallelism,
 * timing or restores.
 *
 * Differences from the reference, each because Weir's generator already makes them:
 * - Event time starts at a fixed base time (`DEFAULT_BASE_TIME`), not the wall clock, so runs
 *   are repeatable; `'rate.limited' = 'true'` puts it on the wall clock and paces the readers.
 * - `rows-per-second` (Weir's, as datagen's) throttles the readers on the wall clock without
 *   touching event time, so a slowed-down table still gives the rows of a fast one.
 * - `keep-alive` and `max-emit-speed` are accepted and change nothing: a bounded table ends when
 *   its events are out, and an unlimited one emits as fast as the job takes rows.
 */
import { DEFAULT_BASE_TIME, type NexmarkConfig } from '../../connectors/nexmark/nexmark-config.js';
import type { NexmarkEvent } from '../../connectors/nexmark/model.js';
import type { EventShape, NexmarkGenerator } from '../../connectors/nexmark/nexmark-generator.js';
import { NexmarkReader } from '../../connectors/nexmark/nexmark-reader.js';
import { NexmarkSource } from '../../connectors/nexmark/nexmark-source.js';
import type { NexmarkSplit } from '../../connectors/nexmark/nexmark-split.js';
import type { Source, SourceOutput, SourceReaderContext } from '../../types/source.js';
import { WatermarkStrategy } from '../../time/watermarks.js';
import type { CatalogColumn } from '../catalog/catalog.js';
import { formatType, isInteger, type SqlType } from '../catalog/types.js';
import { parseDuration } from '../config.js';
import { validationError } from '../errors.js';
import type { Row } from '../expressions/compiler.js';
import type { Rex } from '../expressions/rex.js';
import { type DynamicTableFactory, isBoolean, isOneOf, isPositiveInteger } from './factory.js';

/** The ROW fields each event column may declare: the generator's field names. */
const ROW_FIELDS: Readonly<Record<string, readonly string[]>> = {
  person: ['id', 'name', 'emailAddress', 'creditCard', 'city', 'state', 'dateTime', 'extra'],
  auction: [
    'id',
    'itemName',
    'description',
    'initialBid',
    'reserve',
    'dateTime',
    'expires',
    'seller',
    'category',
    'extra',
  ],
  bid: ['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra'],
};

/** The physical columns of the reference table, in its order. */
const COLUMNS = ['event_type', 'person', 'auction', 'bid'] as const;

/** The reference option default; Weir's DataStream `NexmarkSource` defaults to 10M instead. */
const DEFAULT_EVENT_RATE = 10_000;

const isWholeNumber = (v: string) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number >= 0');
const isStopAt = (v: string) => (/^-?\d+$/.test(v.trim()) ? undefined : "a whole number, '-1' for none");
const isDuration = (v: string) =>
  parseDuration(v) === undefined || parseDuration(v)! < 1000
    ? "a duration of 1 s or more such as '10 min'"
    : undefined;
const isMemorySize = (v: string) =>
  parseBytes(v) === undefined ? "a size such as '200b' or '1kb'" : undefined;

/** `'200b'`, `'1 kb'`, `'2mb'` or plain bytes, as Flink writes memory sizes; undefined when malformed. */
function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(b|bytes|k|kb|kib|m|mb|mib)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

/** The generator config a table's options ask for. */
export function nexmarkConfigOf(options: Readonly<Record<string, string>>): NexmarkConfig {
  const int = (key: string, fallback: number) =>
    options[key] === undefined ? fallback : Number(options[key]);
  const bytes = (key: string, fallback: number) =>
    options[key] === undefined ? fallback : parseBytes(options[key]!)!;
  const numEvents = int('events.num', 0);
  const stopAt = int('stop-at', -1);
  let events = numEvents > 0 ? numEvents : Number.POSITIVE_INFINITY;
  if (stopAt > 0) events = Math.min(events, stopAt);
  const firstEventRate = int('first-event.rate', DEFAULT_EVENT_RATE);
  const config: NexmarkConfig = {
    events,
    firstEventRate,
    nextEventRate: int('next-event.rate', firstEventRate),
    rateShape: (options['rate.shape']?.toLowerCase() ?? 'square') as 'square' | 'sine',
    ratePeriodSec: Math.floor((parseDuration(options['rate.period'] ?? '600 s') ?? 600_000) / 1000),
    personProportion: int('person.proportion', 1),
    auctionProportion: int('auction.proportion', 3),
    bidProportion: int('bid.proportion', 46),
    avgPersonByteSize: bytes('person.avg-size', 200),
    avgAuctionByteSize: bytes('auction.avg-size', 500),
    avgBidByteSize: bytes('bid.avg-size', 100),
    hotAuctionRatio: int('bid.hot-ratio.auctions', 2),
    hotBiddersRatio: int('bid.hot-ratio.bidders', 4),
    hotSellersRatio: int('auction.hot-ratio.sellers', 4),
    baseTime: DEFAULT_BASE_TIME,
  };
  if (options['rows-per-second'] !== undefined) config.ratePerSecond = Number(options['rows-per-second']);
  if (options['rate.limited'] === 'true') {
    config.ratePerSecond = firstEventRate;
    config.wallClockBaseTime = true;
  }
  return config;
}

/** Makes a row of the declared columns from an event's kind and parts. */
type RowMaker = EventShape<Row>;

/**
 * One object literal over the emitted columns, in their order, generated once per source: a
 * row of projected columns (`{bid}` for most queries) then costs what the full layout's
 * literal costs, with no loop over the names per event, and every row has one shape. It takes
 * the event's parts from the generator, so no event object is made on the way.
 */
function rowMaker(columns: readonly CatalogColumn[]): RowMaker {
  const fields = columns.map(({ name }) => {
    // The factory's validation admits only the four reference columns.
    const value = name === 'event_type' ? 'type' : name;
    return `${JSON.stringify(name)}: ${value}`;
  });
  return new Function('type', 'person', 'auction', 'bid', `return { ${fields.join(', ')} };`) as RowMaker;
}

/**
 * The event kinds a pushed condition lets through, as a bit mask (bit N for kind N): `event_type
 * = N`, or an OR of such (one scan shared by views of different kinds); undefined for another
 * condition.
 */
function eventTypesOf(condition: Rex): number | undefined {
  if (condition.kind === 'call' && condition.op === 'OR') {
    let mask = 0;
    for (const arg of condition.args) {
      const kinds = eventTypesOf(arg);
      if (kinds === undefined) return undefined;
      mask |= kinds;
    }
    return mask;
  }
  if (condition.kind !== 'call' || condition.op !== '=') return undefined;
  const [a, b] = condition.args;
  const [column, value] = a?.kind === 'field' ? [a, b] : [b, a];
  if (column?.kind !== 'field' || column.name !== 'event_type' || value?.kind !== 'literal') return undefined;
  const type = value.value;
  // Kinds are 0, 1 and 2; another integer matches no event.
  return typeof type === 'number' && Number.isInteger(type)
    ? type >= 0 && type < 30
      ? 1 << type
      : 0
    : undefined;
}

/** The event kinds the pushed conditions let through, as a bit mask: undefined for all kinds. */
function wantedEventTypes(filters: readonly Rex[] | undefined): number | undefined {
  let wanted: number | undefined;
  for (const condition of filters ?? []) {
    const kinds = eventTypesOf(condition)!;
    wanted = wanted === undefined ? kinds : wanted & kinds;
  }
  return wanted;
}

/**
 * A Nexmark reader that emits rows: the generator builds each row from the event's parts. With
 * an event kind pushed down, the generic reader skips events of other kinds without generating
 * them (q8 reads people and auctions only, and skips the 92% of events that are bids).
 */
class NexmarkRowReader extends NexmarkReader {
  constructor(
    context: SourceReaderContext,
    config: NexmarkConfig,
    source: NexmarkSource,
    private readonly toRow: RowMaker,
    wanted: number | undefined,
  ) {
    super(context, config, source.config);
    this.eventTypes = wanted;
  }

  protected override collectEvent(
    gen: NexmarkGenerator,
    index: number,
    output: SourceOutput<NexmarkEvent>,
  ): void {
    gen.collectAs(index, this.toRow, output as unknown as SourceOutput<Row>);
  }
}

/** `NexmarkSource` with rows for records. */
class NexmarkRowSource extends NexmarkSource {
  constructor(
    private readonly nexmarkConfig: NexmarkConfig,
    private readonly toRow: RowMaker,
    private readonly wanted: number | undefined,
  ) {
    super(nexmarkConfig);
  }

  override createReader(context: SourceReaderContext): NexmarkReader {
    return new NexmarkRowReader(context, this.nexmarkConfig, this, this.toRow, this.wanted);
  }
}

function checkColumn(column: CatalogColumn): string | undefined {
  const type: SqlType = column.type;
  if (column.name === 'event_type')
    return isInteger(type) ? undefined : `'event_type' must be an integer column, not ${formatType(type)}`;
  const fields = ROW_FIELDS[column.name];
  if (fields === undefined)
    return `the nexmark connector has no column '${column.name}'; its columns are ${COLUMNS.join(', ')}`;
  if (type.root !== 'ROW')
    return `'${column.name}' must be a ROW of ${fields.join(', ')}, not ${formatType(type)}`;
  const unknown = type.fields!.find((f) => !fields.includes(f.name));
  if (unknown !== undefined)
    return `'${column.name}' has no field '${unknown.name}'; its fields are ${fields.join(', ')}`;
  return undefined;
}

/** The nexmark factory: a bounded source when `events.num` (or `stop-at`) is above 0. */
export const nexmarkFactory: DynamicTableFactory = {
  identifier: 'nexmark',
  options: [
    { key: 'rate.shape', check: (v) => isOneOf('square', 'sine')(v.toLowerCase()) },
    { key: 'rate.period', check: isDuration },
    { key: 'rate.limited', check: isBoolean },
    { key: 'first-event.rate', check: isPositiveInteger },
    { key: 'next-event.rate', check: isPositiveInteger },
    { key: 'person.avg-size', check: isMemorySize },
    { key: 'auction.avg-size', check: isMemorySize },
    { key: 'bid.avg-size', check: isMemorySize },
    { key: 'person.proportion', check: isWholeNumber },
    { key: 'auction.proportion', check: isWholeNumber },
    { key: 'bid.proportion', check: isWholeNumber },
    { key: 'bid.hot-ratio.auctions', check: isPositiveInteger },
    { key: 'bid.hot-ratio.bidders', check: isPositiveInteger },
    { key: 'auction.hot-ratio.sellers', check: isPositiveInteger },
    { key: 'events.num', check: isWholeNumber },
    { key: 'keep-alive', check: isBoolean },
    { key: 'stop-at', check: isStopAt },
    { key: 'max-emit-speed', check: isBoolean },
    { key: 'rows-per-second', check: isPositiveInteger },
  ],
  validate(table, columns, optionPos) {
    for (const column of columns) {
      const problem = checkColumn(column);
      if (problem !== undefined) throw validationError(undefined, problem);
    }
    const options = table.options;
    if (
      options['rate.limited'] === 'true' &&
      options['next-event.rate'] !== undefined &&
      options['next-event.rate'] !== (options['first-event.rate'] ?? String(DEFAULT_EVENT_RATE))
    )
      throw validationError(
        optionPos('rate.limited'),
        "'rate.limited' paces events at one rate; give 'first-event.rate' and 'next-event.rate' the same value",
      );
    try {
      // The generator's own checks (proportions that leave bids without auctions, say).
      new NexmarkSource(nexmarkConfigOf(options));
    } catch (error) {
      const message = (error as Error).message.replace(/^NexmarkSource: /, '');
      throw validationError(optionPos('person.proportion'), `invalid nexmark options: ${message}`);
    }
  },
  // A row holds only the projected columns; the generator's objects are shared, never copied.
  supportsProjectionPushDown: true,
  // `event_type = N` (the views' WHERE): other kinds of events never become rows.
  acceptsFilter: (condition) => eventTypesOf(condition) !== undefined,
  // The generator builds every Person, Auction and Bid as one literal of these fields, in this
  // order and all set (nexmark-generator.ts), so a view that reads all of a kind's fields
  // (Nexmark's bid view in q0 and q20) passes the event's object on instead of copying it.
  exactRowFields: (column) => (Object.hasOwn(ROW_FIELDS, column) ? ROW_FIELDS[column] : undefined),
  createSource({ env, table, columns, projection, filters }) {
    const emitted = projection === undefined ? columns : columns.filter((c) => projection.includes(c.name));
    const source = new NexmarkRowSource(
      nexmarkConfigOf(table.options),
      rowMaker(emitted),
      wantedEventTypes(filters),
    );
    return env.fromSource(
      source as unknown as Source<Row, NexmarkSplit, unknown>,
      WatermarkStrategy.noWatermarks<Row>(),
      table.name,
    );
  },
};
