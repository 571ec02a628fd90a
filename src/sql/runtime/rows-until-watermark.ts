/**
 * Rows of one key held under their rowtime until the watermark passes it. Event-time SQL
 * operators that must see rows in time order (temporal sort, OVER, MATCH_RECOGNIZE) hold them
 * this way: keyed map state with one event-time timer per distinct time, so a checkpoint holds
 * the rows and the timer hands them back in order.
 */
import type { Row } from '../expressions/compiler.js';
import type { TimerService } from '../../types/functions.js';
import type { MapState } from '../../types/state.js';

/** A key's rows waiting for the watermark, by rowtime. */
export class RowsUntilWatermark {
  constructor(private readonly state: MapState<number, Row[]>) {}

  /**
   * Holds `row` under `ts`, asking for a timer at `ts` for its first row. Returns false, holding
   * nothing, when the row is late (`ts` at or behind the watermark) or has no time.
   */
  hold(row: Row, ts: unknown, timers: TimerService): boolean {
    if (typeof ts !== 'number' || ts <= timers.currentWatermark()) return false;
    const waiting = this.state.get(ts);
    if (waiting === undefined) {
      this.state.put(ts, [row]);
      timers.registerEventTimeTimer(ts);
    } else {
      // A checkpoint encodes state before the next row, so the array may grow in place; it is
      // written back so that a backend that copies values (on disk) sees the row.
      waiting.push(row);
      this.state.put(ts, waiting);
    }
    return true;
  }

  /** The rows held under `timestamp` in arrival order, no longer held; undefined when none. */
  take(timestamp: number): Row[] | undefined {
    const rows = this.state.get(timestamp);
    if (rows !== undefined) this.state.remove(timestamp);
    return rows;
  }
}
