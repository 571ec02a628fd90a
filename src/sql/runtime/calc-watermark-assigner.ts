/**
 * A watermark assigner with the projection below it fused in. A table's watermark usually sits
 * on a Calc that only adds the rowtime column (`SELECT bid, bid.dateTime AS dateTime`); run as
 * two chained operators, every row pays an extra operator hop between them. This one operator
 * projects the row, then assigns its timestamp and feeds the watermark generator exactly as
 * `assignTimestampsAndWatermarks` does, so rows, timestamps and watermarks are unchanged.
 */
import { TimestampsAndWatermarksOperator } from '../../runtime/operators/timestamps-and-watermarks.js';
import type { WatermarkStrategy } from '../../time/watermarks.js';
import type { Row } from '../expressions/compiler.js';

/** Projects each row with `calc`, then assigns timestamps and watermarks by `strategy`. */
export class CalcWatermarkAssigner extends TimestampsAndWatermarksOperator<Row> {
  constructor(
    strategy: WatermarkStrategy<Row>,
    private readonly calc: (row: Row) => Row,
  ) {
    super(strategy);
  }

  override processElement(value: Row, timestamp: number): void {
    super.processElement(this.calc(value), timestamp);
  }
}
