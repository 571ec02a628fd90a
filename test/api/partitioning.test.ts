/**
 * Physical partitioning: which downstream subtask gets which record after rebalance, rescale,
 * broadcast, forward and keyBy. Rich map functions tag each record with the subtask that saw it.
 */
import { describe, expect, it } from 'vitest';
import { type MapFunction, type RuntimeContext, StreamExecutionEnvironment } from '../../src/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A rich map that appends the index of the subtask it runs in. */
function tagSubtask<T>(): MapFunction<T, { value: T; subtask: number }> {
  return {
    subtask: -1,
    open(ctx: RuntimeContext) {
      this.subtask = ctx.getIndexOfThisSubtask();
    },
    map(value: T) {
      return { value, subtask: this.subtask };
    },
  } as MapFunction<T, { value: T; subtask: number }> & { subtask: number };
}

function bySubtask<T>(records: readonly { value: T; subtask: number }[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of records) out.set(r.subtask, [...(out.get(r.subtask) ?? []), r.value]);
  return out;
}

describe('partitioning', () => {
  it('rebalance sends records round-robin to every downstream subtask', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromCollection(range(12))
      .rebalance()
      .map(tagSubtask<number>())
      .setParallelism(3)
      .executeAndCollect();
    const groups = bySubtask(out);
    expect([...groups.keys()].sort()).toEqual([0, 1, 2]);
    for (const values of groups.values()) expect(values.length).toBe(4);
    // Round robin: records i and i + 3 go to the same subtask, i and i + 1 to different ones.
    const subtaskOf = new Map(out.map((r) => [r.value, r.subtask]));
    for (let i = 0; i + 3 < 12; i++) {
      expect(subtaskOf.get(i + 3)).toBe(subtaskOf.get(i));
      expect(subtaskOf.get(i + 1)).not.toBe(subtaskOf.get(i));
    }
  });

  it('rescale sends each upstream subtask only to its local group of downstream subtasks', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const upstream = env.fromCollection(range(40)).rebalance().map(tagSubtask<number>()).setParallelism(2);
    const out = await upstream
      .rescale()
      .map(tagSubtask<{ value: number; subtask: number }>())
      .setParallelism(4)
      .executeAndCollect();
    expect(out.length).toBe(40);
    const targets = new Map<number, Set<number>>();
    for (const r of out) {
      const from = r.value.subtask;
      targets.set(from, (targets.get(from) ?? new Set()).add(r.subtask));
    }
    expect([...targets.get(0)!].sort()).toEqual([0, 1]);
    expect([...targets.get(1)!].sort()).toEqual([2, 3]);
  });

  it('rebalance (unlike rescale) connects every upstream subtask to every downstream subtask', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromCollection(range(40))
      .rebalance()
      .map(tagSubtask<number>())
      .setParallelism(2)
      .rebalance()
      .map(tagSubtask<{ value: number; subtask: number }>())
      .setParallelism(4)
      .executeAndCollect();
    for (const from of [0, 1]) {
      const to = new Set(out.filter((r) => r.value.subtask === from).map((r) => r.subtask));
      expect([...to].sort()).toEqual([0, 1, 2, 3]);
    }
  });

  it('broadcast sends every record to every downstream subtask', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromElements('a', 'b', 'c')
      .broadcast()
      .map(tagSubtask<string>())
      .setParallelism(3)
      .executeAndCollect();
    const groups = bySubtask(out);
    expect(groups.size).toBe(3);
    for (const values of groups.values()) expect(values).toEqual(['a', 'b', 'c']);
  });

  it('forward keeps each record in the subtask with the same index', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(3);
    const out = await env
      .fromCollection(range(30))
      .rebalance()
      .map(tagSubtask<number>())
      .forward()
      .map(tagSubtask<{ value: number; subtask: number }>())
      .executeAndCollect();
    expect(out.length).toBe(30);
    for (const r of out) expect(r.subtask).toBe(r.value.subtask);
    expect(new Set(out.map((r) => r.subtask))).toEqual(new Set([0, 1, 2]));
  });

  it('keyBy sends all records of a key to one subtask, and equal keys to the same one', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(4);
    const out = await env
      .fromCollection(range(200).map((i) => ({ k: `key${i % 13}`, i })))
      .keyBy((r) => r.k)
      .map(tagSubtask<{ k: string; i: number }>())
      .executeAndCollect();
    expect(out.length).toBe(200);
    const subtasksOfKey = new Map<string, Set<number>>();
    for (const r of out)
      subtasksOfKey.set(r.value.k, (subtasksOfKey.get(r.value.k) ?? new Set()).add(r.subtask));
    for (const set of subtasksOfKey.values()) expect(set.size).toBe(1);
    // 13 keys over 4 subtasks: more than one subtask is used.
    expect(new Set(out.map((r) => r.subtask)).size).toBeGreaterThan(1);
  });
});
