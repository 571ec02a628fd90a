import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ListState } from '../types/state.js';
import { MergingWindowSet } from './merging-window-set.js';
import { EventTimeSessionWindows } from './sessions.js';
import { TimeWindow } from './windows.js';

/** A list state stand-in that stores copies, as a snapshotting backend would. */
function memoryListState<T>(): ListState<T> & { items: T[] } {
  return {
    items: [],
    get() {
      return this.items.slice();
    },
    add(v: T) {
      this.items.push(v);
    },
    addAll(vs: Iterable<T>) {
      for (const v of vs) this.items.push(v);
    },
    update(vs: Iterable<T>) {
      this.items = [...vs];
    },
    clear() {
      this.items = [];
    },
  };
}

const assigner = EventTimeSessionWindows.withGap(10);
type Merge = { result: string; merged: string[]; stateResult: string; mergedState: string[] };
const w = (s: number, e: number) => new TimeWindow(s, e);

function add(set: MergingWindowSet<TimeWindow>, win: TimeWindow, merges: Merge[]): TimeWindow {
  return set.addWindow(win, (result, merged, stateResult, mergedState) =>
    merges.push({
      result: result.namespaceKey,
      merged: merged.map((x) => x.namespaceKey),
      stateResult: stateResult.namespaceKey,
      mergedState: mergedState.map((x) => x.namespaceKey),
    }),
  );
}

describe('MergingWindowSet', () => {
  it('keeps non-overlapping windows as their own state windows', () => {
    const set = new MergingWindowSet(assigner, memoryListState<[TimeWindow, TimeWindow]>());
    const merges: Merge[] = [];
    expect(add(set, w(0, 10), merges).namespaceKey).toBe('0:10');
    expect(add(set, w(20, 30), merges).namespaceKey).toBe('20:30');
    expect(merges).toEqual([]);
    expect(set.getStateWindow(w(20, 30))?.namespaceKey).toBe('20:30');
  });

  it('merges into the state window of an existing window and reports the others', () => {
    const set = new MergingWindowSet(assigner, memoryListState<[TimeWindow, TimeWindow]>());
    const merges: Merge[] = [];
    add(set, w(0, 10), merges);
    add(set, w(15, 25), merges);
    const result = add(set, w(8, 18), merges); // bridges both
    expect(result.namespaceKey).toBe('0:25');
    expect(merges).toHaveLength(1);
    expect(merges[0]!.result).toBe('0:25');
    expect(merges[0]!.merged.sort()).toEqual(['0:10', '15:25']);
    expect(merges[0]!.stateResult).toBe('0:10');
    expect(merges[0]!.mergedState).toEqual(['15:25']);
    expect(set.getStateWindow(result)?.namespaceKey).toBe('0:10');
    expect(set.getStateWindow(w(0, 10))).toBeUndefined();
  });

  it('does not call the merge function when a window only absorbs the new one', () => {
    const set = new MergingWindowSet(assigner, memoryListState<[TimeWindow, TimeWindow]>());
    const merges: Merge[] = [];
    add(set, w(0, 20), merges);
    expect(add(set, w(5, 15), merges).namespaceKey).toBe('0:20');
    expect(add(set, w(0, 20), merges).namespaceKey).toBe('0:20');
    expect(merges).toEqual([]);
    expect(set.size).toBe(1);
  });

  it('persists and reloads the mapping, and retire removes a window', () => {
    const state = memoryListState<[TimeWindow, TimeWindow]>();
    const set = new MergingWindowSet(assigner, state);
    add(set, w(0, 10), []);
    add(set, w(5, 15), []);
    set.persist();
    expect(state.items).toHaveLength(1);
    // A restore may hand back plain objects; revive rebuilds them.
    state.items = state.items.map(([a, b]) => [{ ...a } as TimeWindow, { ...b } as TimeWindow]);
    const reloaded = new MergingWindowSet(assigner, state, TimeWindow.revive);
    expect(reloaded.getStateWindow(w(0, 15))?.namespaceKey).toBe('0:10');
    reloaded.retireWindow(w(0, 15));
    expect(() => reloaded.retireWindow(w(0, 15))).toThrow(/not in the in-flight window set/);
    reloaded.persist();
    expect(state.items).toEqual([]);
  });

  it('ends with exactly the gap-separated groups of a batch computation (any order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        (times, gap) => {
          const sessions = EventTimeSessionWindows.withGap(gap);
          const set = new MergingWindowSet(sessions, memoryListState<[TimeWindow, TimeWindow]>());
          for (const t of times) set.addWindow(new TimeWindow(t, t + gap), () => {});
          const sorted = [...times].sort((a, b) => a - b);
          const expected: string[] = [];
          let start = sorted[0]!;
          let end = start + gap;
          for (const t of sorted.slice(1)) {
            if (t <= end) end = Math.max(end, t + gap);
            else {
              expected.push(`${start}:${end}`);
              start = t;
              end = t + gap;
            }
          }
          expected.push(`${start}:${end}`);
          expect(
            set
              .windows()
              .map((x) => x.namespaceKey)
              .sort(),
          ).toEqual(expected.sort());
        },
      ),
    );
  });
});

describe('MergingWindowSet with session assigners', () => {
  it('gives what the general merging path gives, window by window (fast-check)', () => {
    // The same merging behind a method that is not the session assigners' own takes the
    // general path; the built-in assigner takes the path for at most one met session.
    const general = Object.create(assigner) as typeof assigner;
    general.mergeWindows = (windows, onMerge) => assigner.mergeWindows(windows, onMerge);
    const windowArb = fc
      .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 30 }))
      .map(([start, length]) => w(start, start + length));
    fc.assert(
      fc.property(fc.array(fc.tuple(windowArb, fc.boolean()), { maxLength: 40 }), (steps) => {
        const fastState = memoryListState<[TimeWindow, TimeWindow]>();
        const generalState = memoryListState<[TimeWindow, TimeWindow]>();
        const fastMerges: Merge[] = [];
        const generalMerges: Merge[] = [];
        for (const [window, retire] of steps) {
          const fast = new MergingWindowSet(assigner, fastState);
          const slow = new MergingWindowSet(general, generalState);
          const a = add(fast, window, fastMerges);
          const b = add(slow, window, generalMerges);
          expect(a.namespaceKey).toBe(b.namespaceKey);
          expect(fast.getStateWindow(a)?.namespaceKey).toBe(slow.getStateWindow(b)?.namespaceKey);
          if (retire) {
            fast.retireWindow(a);
            slow.retireWindow(b);
          }
          fast.persist();
          slow.persist();
          const pairs = (items: [TimeWindow, TimeWindow][]) =>
            items.map(([x, y]) => `${x.namespaceKey}>${y.namespaceKey}`).sort();
          expect(pairs(fastState.items)).toEqual(pairs(generalState.items));
        }
        expect(fastMerges).toEqual(generalMerges);
      }),
    );
  });
});
