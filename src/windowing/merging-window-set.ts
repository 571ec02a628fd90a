/**
 * Bookkeeping for merging (session) windows of one key. Each in-flight window maps to a
 * *state window*: the namespace its contents are actually stored under. When windows merge,
 * the merge result takes over the state window of one of the merged windows and the other
 * state windows are merged into it, so merging never copies the surviving contents, and
 * timers and trigger state stay keyed by the visible (in-flight) window.
 *
 * The mapping is loaded from list state when the set is created and written back by
 * `persist()`, so it is part of every checkpoint. Create one per key access, as Flink does.
 */
import type { ListState } from '../types/state.js';
import type { Window } from '../types/functions.js';
import type { MergingWindowAssigner } from './assigner.js';
import { EventTimeSessionWindows, ProcessingTimeSessionWindows } from './sessions.js';
import type { TimeWindow } from './windows.js';

/**
 * Called when windows merge.
 * - `mergeResult`: the new in-flight window.
 * - `mergedWindows`: the in-flight windows it replaces (without the new element's window).
 * - `stateWindowResult`: the state window that now holds the merged contents.
 * - `mergedStateWindows`: the state windows whose contents must be merged into it.
 */
export type MergeFunction<W> = (
  mergeResult: W,
  mergedWindows: readonly W[],
  stateWindowResult: W,
  mergedStateWindows: readonly W[],
) => void;

interface Entry<W> {
  window: W;
  stateWindow: W;
}

/**
 * The in-flight windows of one key and their state windows.
 *
 * @example
 * const set = new MergingWindowSet(assigner, mergingState);
 * const actual = set.addWindow(newWindow, (result, merged, stateResult, mergedState) => { ... });
 * const stateWindow = set.getStateWindow(actual);
 * set.persist();
 */
export class MergingWindowSet<W extends Window> {
  private readonly mapping = new Map<string, Entry<W>>();
  /** The assigner merges like the built-in session windows: by overlap, into covers. */
  private readonly sessionMerging: boolean;
  /** Whether the mapping differs from what `state` holds; only then does `persist` write. */
  private changed = false;

  /**
   * @param revive rebuilds a window from its stored form (after a restore the stored windows may
   *   be plain objects); identity by default.
   */
  constructor(
    private readonly assigner: MergingWindowAssigner<any, W>,
    private readonly state: ListState<[W, W]>,
    revive: (raw: W) => W = (w) => w,
  ) {
    const merge: unknown = assigner.mergeWindows;
    this.sessionMerging =
      merge === EventTimeSessionWindows.prototype.mergeWindows ||
      merge === ProcessingTimeSessionWindows.prototype.mergeWindows;
    for (const [w, s] of state.get()) {
      const window = revive(w);
      this.mapping.set(window.namespaceKey, { window, stateWindow: revive(s) });
    }
  }

  /** The state window of an in-flight window, or undefined if the window is not in flight. */
  getStateWindow(window: W): W | undefined {
    return this.mapping.get(window.namespaceKey)?.stateWindow;
  }

  /** Removes a window (after it was cleaned up or found late). Throws if it is not in flight. */
  retireWindow(window: W): void {
    if (!this.mapping.delete(window.namespaceKey)) {
      throw new Error(`window ${String(window)} is not in the in-flight window set`);
    }
    this.changed = true;
  }

  /** Number of in-flight windows. */
  get size(): number {
    return this.mapping.size;
  }

  /** The in-flight windows, in insertion order. */
  windows(): W[] {
    return Array.from(this.mapping.values(), (e) => e.window);
  }

  /**
   * Adds `newWindow`, merging it with in-flight windows as the assigner decides, and returns
   * the window the new element now belongs to (`newWindow` or a merge result). `mergeFunction`
   * is called for every merge that involves pre-existing windows; it must merge the state.
   */
  addWindow(newWindow: W, mergeFunction: MergeFunction<W>): W {
    if (this.sessionMerging) {
      const result = this.addToAtMostOneSession(newWindow, mergeFunction);
      if (result !== undefined) return result;
    }
    const windows: W[] = [];
    for (const e of this.mapping.values()) windows.push(e.window);
    windows.push(newWindow);

    const merges: Array<[W, W[]]> = [];
    this.assigner.mergeWindows(windows, (toBeMerged, mergeResult) => {
      merges.push([mergeResult, toBeMerged.slice()]);
    });

    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const [mergeResult, mergedWindows] of merges) {
      // The new window has no state of its own; drop (one copy of) it from the merged set.
      let idx = mergedWindows.indexOf(newWindow);
      if (idx < 0) idx = mergedWindows.findIndex((w) => w.namespaceKey === newWindow.namespaceKey);
      if (idx >= 0) {
        mergedWindows.splice(idx, 1);
        mergedNewWindow = true;
        resultWindow = mergeResult;
      }
      // Any merged in-flight window's state window becomes the result's state window.
      const target = this.mapping.get(mergedWindows[0]!.namespaceKey)!.stateWindow;
      const mergedStateWindows: W[] = [];
      for (const w of mergedWindows) {
        const removed = this.mapping.get(w.namespaceKey);
        if (removed !== undefined) {
          this.mapping.delete(w.namespaceKey);
          if (removed.stateWindow.namespaceKey !== target.namespaceKey)
            mergedStateWindows.push(removed.stateWindow);
        }
      }
      this.mapping.set(mergeResult.namespaceKey, { window: mergeResult, stateWindow: target });
      // An existing window that only absorbed the new window (without growing) is no merge.
      const onlyItself =
        mergedWindows.length === 1 && mergedWindows[0]!.namespaceKey === mergeResult.namespaceKey;
      if (!onlyItself) {
        this.changed = true;
        mergeFunction(mergeResult, mergedWindows, target, mergedStateWindows);
      }
    }

    // A self-contained new window: it is its own state window. (An identical in-flight window
    // keeps its existing state window.)
    if (merges.length === 0 || (resultWindow === newWindow && !mergedNewWindow)) {
      if (!this.mapping.has(resultWindow.namespaceKey)) {
        this.mapping.set(resultWindow.namespaceKey, { window: resultWindow, stateWindow: resultWindow });
        this.changed = true;
      }
    }
    return resultWindow;
  }

  /**
   * `addWindow` for session assigners when the new window meets at most one in-flight window,
   * which is nearly always: in-flight sessions never meet each other, so the windows that merge
   * are exactly those meeting the new one. Gives what the general path gives, without sorting,
   * grouping and intermediate arrays; returns undefined when two or more windows would merge.
   */
  private addToAtMostOneSession(newWindow: W, mergeFunction: MergeFunction<W>): W | undefined {
    const window = newWindow as unknown as TimeWindow;
    let met: Entry<W> | undefined;
    for (const e of this.mapping.values()) {
      if ((e.window as unknown as TimeWindow).intersects(window)) {
        if (met !== undefined) return undefined;
        met = e;
      }
    }
    if (met === undefined) {
      this.mapping.set(newWindow.namespaceKey, { window: newWindow, stateWindow: newWindow });
      this.changed = true;
      return newWindow;
    }
    const inFlight = met.window as unknown as TimeWindow;
    if (inFlight.start <= window.start && window.end <= inFlight.end) return met.window;
    const result = inFlight.cover(window) as unknown as W;
    this.mapping.delete(met.window.namespaceKey);
    this.mapping.set(result.namespaceKey, { window: result, stateWindow: met.stateWindow });
    this.changed = true;
    mergeFunction(result, [met.window], met.stateWindow, []);
    return result;
  }

  /** Writes the mapping back to state if it changed since the set was loaded. */
  persist(): void {
    if (!this.changed) return;
    this.changed = false;
    const pairs: Array<[W, W]> = [];
    for (const e of this.mapping.values()) pairs.push([e.window, e.stateWindow]);
    if (pairs.length === 0) this.state.clear();
    else this.state.update(pairs);
  }
}
