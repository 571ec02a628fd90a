/**
 * Weir's public API. Everything a job needs is exported from here (`import { … } from 'weir'`);
 * other modules are internal and may change.
 */

// Environment and streams
export { StreamExecutionEnvironment, type StateBackendName } from './api/environment.js';
export { DataStream, DataStreamSink, type ProcessLike } from './api/data-stream.js';
export { KeyedStream, type KeyedProcessLike } from './api/keyed-stream.js';
export { ConnectedStreams, type CoMapFunction, type CoFlatMapFunction } from './api/connected-streams.js';
export { WindowedStream } from './api/windowed-stream.js';
export { IntervalJoin, IntervalJoined } from './api/interval-join.js';
export { type AsyncFunction, AsyncDataStream } from './api/async-data-stream.js';
export {
  CheckpointConfig,
  type CheckpointingMode,
  ExecutionConfig,
  RestartStrategies,
  type RestartStrategy,
} from './api/config.js';
export type { JobListener } from './api/context.js';
export {
  type CheckpointStats,
  type CheckpointSummary,
  JobExecutionResult,
  type JobClient,
  type JobStatus,
  type TaskSnapshot,
} from './runtime/job-client.js';
export type { RuntimeMode } from './runtime/operator.js';

// Functions
export {
  AbstractRichFunction,
  type AggregateFunction,
  type Collector,
  CoProcessFunction,
  type CoProcessContext,
  type FilterFunction,
  type FlatMapFunction,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type KeySelector,
  type MapFunction,
  type OnTimerContext,
  OutputTag,
  type ProcessContext,
  ProcessFunction,
  type ProcessJoinContext,
  ProcessJoinFunction,
  type ProcessWindowContext,
  ProcessWindowFunction,
  type ReduceFunction,
  type RichFunction,
  type RuntimeContext,
  type TimeDomain,
  type TimerService,
  type Window,
  type WindowFunction,
} from './types/functions.js';

// State
export {
  type AggregatingState,
  AggregatingStateDescriptor,
  type KeyedStateStore,
  type ListState,
  ListStateDescriptor,
  type MapState,
  MapStateDescriptor,
  type ReducingState,
  ReducingStateDescriptor,
  type State,
  StateDescriptor,
  StateTtlConfig,
  StateTtlConfigBuilder,
  type TtlStateVisibility,
  type TtlUpdateType,
  type ValueState,
  ValueStateDescriptor,
} from './types/state.js';

// Time
export {
  BoundedOutOfOrdernessWatermarks,
  NoWatermarksGenerator,
  type TimestampAssigner,
  type WatermarkGenerator,
  type WatermarkGeneratorContext,
  type WatermarkOutput,
  WatermarkStrategy,
} from './time/watermarks.js';
export { type Clock, ManualClock } from './time/clock.js';
export { MAX_WATERMARK, MIN_WATERMARK, NO_TIMESTAMP } from './types/elements.js';

// Windows
export { GlobalWindow, TimeWindow } from './windowing/windows.js';
export { type WindowAssignerContext, WindowAssigner, MergingWindowAssigner } from './windowing/assigner.js';
export { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './windowing/tumbling.js';
export { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './windowing/sliding.js';
export {
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  type SessionWindowTimeGapExtractor,
} from './windowing/sessions.js';
export { GlobalWindows } from './windowing/global-windows.js';
export { type OnMergeContext, Trigger, type TriggerContext, TriggerResult } from './windowing/trigger.js';
export { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './windowing/time-triggers.js';
export { CountTrigger, PurgingTrigger } from './windowing/count-triggers.js';
export {
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
} from './windowing/continuous-triggers.js';
export type { Evictor, EvictorContext, TimestampedValue } from './windowing/evictor.js';
export { CountEvictor, DeltaEvictor, type DeltaFunction, TimeEvictor } from './windowing/evictors.js';

// Sources and sinks
export type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceOutput,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from './types/source.js';
export type {
  CommittingSinkWriter,
  Committer,
  Sink,
  SinkInitContext,
  SinkWriter,
  SinkWriterContext,
  TwoPhaseCommittingSink,
} from './types/sink.js';
export { CollectionSource } from './connectors/collection/index.js';
export { DataGeneratorSource } from './connectors/datagen/index.js';
export {
  type Auction,
  type Bid,
  type NexmarkEvent,
  NexmarkEventType,
  type NexmarkEventTypeCode,
  nexmarkEventTime,
  type Person,
} from './connectors/nexmark/model.js';
export {
  DEFAULT_BASE_TIME,
  type NexmarkConfig,
  NexmarkGenerator,
  NexmarkSource,
  type NexmarkSplit,
} from './connectors/nexmark/index.js';
export {
  type BucketAssigner,
  type CsvColumnType,
  CsvFormat,
  type CsvFormatOptions,
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  type FileSinkCommittable,
  FileSink,
  FileSinkBuilder,
  FileSource,
  FileSourceBuilder,
  type FormatOptions,
  type MalformedPolicy,
  NdjsonFormat,
  OnCheckpointRollingPolicy,
  type OutputFileConfig,
  type PartFileInfo,
  type RecordFormat,
  type RollingPolicy,
  type RowEncoder,
  TextLineFormat,
} from './connectors/file/index.js';
export { PrintSink } from './connectors/print/index.js';

// Errors
export { type ErrorCode, ErrorCodes, type ErrorDomain, WeirError } from './types/errors.js';
export { registerTypeSerializer, type TypeSerializer } from './exchange/event-serializer.js';

// SQL and Table API
export {
  type CatalogDescriptor,
  type DataStreamSchema,
  TableEnvironment,
  type TableEnvironmentOptions,
} from './sql/table-environment.js';
export { Table } from './sql/table.js';
/** Table aggregate functions for `flatAggregate`, as Flink's `TableAggregateFunction`. */
export {
  type RetractableCollector,
  type RowCollector,
  TableAggregateFunction,
} from './sql/functions/table-aggregate-function.js';
/** The Table API's relational operations, as Flink's: tables between `groupBy`/`window` and `select`. */
export type { TableExpression } from './sql/table.js';
export {
  AggregatedTable,
  GroupedTable,
  GroupWindowedTable,
  OverWindowedTable,
  WindowGroupedTable,
} from './sql/table-api/grouped-tables.js';
/** `Table.insertInto(path)`'s INSERT, to execute, explain or compile, as Flink's `TablePipeline`. */
export { TablePipeline } from './sql/table-api/table-pipeline.js';
/** The Table API's expressions, as Flink's `Expressions`: `$('price').times(2).as('doubled')`. */
export { Expression, type ExpressionArg } from './sql/table-api/expression.js';
export type { ColumnSpec } from './sql/table-api/expression-node.js';
export {
  $,
  and,
  array,
  CURRENT_RANGE,
  CURRENT_ROW,
  call,
  callSql,
  coalesce,
  col,
  ifThenElse,
  lit,
  not,
  nullOf,
  or,
  row,
  range,
  rowInterval,
  UNBOUNDED_RANGE,
  UNBOUNDED_ROW,
  withColumns,
  withoutColumns,
} from './sql/table-api/expressions.js';
export { DataType, type DataTypeField, type DataTypeLike, DataTypes } from './sql/table-api/data-types.js';
/** Group windows (`Tumble`, `Slide`, `Session`) and over windows (`Over`) for `Table.window`. */
export {
  GroupWindow,
  Over,
  OverWindow,
  type OverWindowBounded,
  type OverWindowOrdered,
  Session,
  Slide,
  Tumble,
} from './sql/table-api/windows.js';
/** A table's columns for the Table API, as Flink's `Schema.newBuilder()…build()`. */
export {
  Schema,
  type SchemaBuilder,
  type SchemaType,
  type UnresolvedColumn,
  type UnresolvedPrimaryKey,
  type UnresolvedWatermark,
} from './sql/table-api/schema.js';
/** A table defined in code for `TableEnvironment.createTable`, as Flink's `TableDescriptor`. */
export { TableDescriptor, type TableDescriptorBuilder } from './sql/table-api/table-descriptor.js';
/** A format and its options for `TableDescriptorBuilder.format`, as Flink's `FormatDescriptor`. */
export { FormatDescriptor, type FormatDescriptorBuilder } from './sql/table-api/format-descriptor.js';
/** INSERTs run as one job, from `TableEnvironment.createStatementSet()`. */
export { StatementSet } from './sql/table-api/statement-set.js';
export { CompiledPlan, PlanReference } from './sql/compiled-plan/compiled-plan.js';
export { type ResultColumn, type ResultKind, TableResult } from './sql/table-result.js';
export { TableConfig } from './sql/config.js';
export {
  type FunctionContext,
  ScalarFunction,
  type ScalarFunctionSpec,
  TableFunction,
  type TableFunctionSpec,
  type UserDefinedAggregateFunction,
  type UserDefinedFunction,
  type UserFunctionLifecycle,
} from './sql/functions/user-functions.js';
export type { FunctionClassImpl } from './sql/functions/create-function.js';
export type { Row } from './sql/expressions/compiler.js';
export type { ChangelogMode, ChangelogRow, RowKind } from './sql/planner/changelog.js';
export type { SqlType, TypeRoot } from './sql/catalog/types.js';
export type { CatalogColumn, CatalogTable } from './sql/catalog/catalog.js';
export type {
  ConnectorOption,
  DynamicTableFactory,
  SinkContext,
  SourceContext,
} from './sql/connectors/factory.js';
