/**
 * The graph layer: chaining decisions, default partitioners, and validation of the
 * topology, checked on the job graph the environment builds.
 */
import { describe, expect, it } from 'vitest';
import { buildJobGraph } from '../../src/graph/job-graph-builder.js';
import { StreamExecutionEnvironment } from '../../src/index.js';
import { DEFAULT_JOB_CONFIG, type JobGraph } from '../../src/runtime/job-graph.js';

function graphOf(env: StreamExecutionEnvironment, chaining = true): JobGraph {
  const sinks = (env as unknown as { sinks: never[] }).sinks;
  return buildJobGraph(sinks, {
    jobId: 'j',
    jobName: 'test',
    defaultParallelism: env.getParallelism(),
    defaultMaxParallelism: env.getMaxParallelism(),
    chainingEnabled: chaining,
    config: DEFAULT_JOB_CONFIG,
  });
}

describe('job graph', () => {
  it('fuses map and filter into the source chain, and starts a new vertex after keyBy', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements(1, 2, 3)
      .map((x) => x + 1)
      .filter((x) => x > 0)
      .keyBy((x) => x % 2)
      .reduce((a, b) => a + b)
      .print();
    const g = graphOf(env);
    expect(g.vertices.map((v) => v.name)).toEqual([
      'Source: Elements -> Map -> Filter',
      'Keyed Reduce -> Print to Std. Out',
    ]);
    expect(g.edges).toHaveLength(1);
    expect(g.edges[0]!.partitioner.kind).toBe('hash');
  });

  it('uses rebalance between different parallelism and forward otherwise', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(3);
    env
      .fromElements(1, 2, 3)
      .map((x) => x)
      .setParallelism(3)
      .print();
    const g = graphOf(env);
    expect(g.vertices.map((v) => v.parallelism)).toEqual([1, 3]);
    expect(g.edges[0]!.partitioner.kind).toBe('rebalance');
  });

  it('does not chain when chaining is disabled or a new chain is started', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements(1)
      .map((x) => x)
      .startNewChain()
      .filter(() => true)
      .print();
    expect(graphOf(env).vertices).toHaveLength(2);
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    env2
      .fromElements(1)
      .map((x) => x)
      .print();
    expect(graphOf(env2, false).vertices).toHaveLength(3);
  });

  it('feeds a union into one input and a connect into two', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const a = env.fromElements(1);
    const b = env.fromElements(2);
    a.union(b)
      .map((x) => x)
      .print();
    const g = graphOf(env);
    const map = g.vertices.find((v) => v.name.startsWith('Map'))!;
    const inputs = g.edges.filter((e) => e.target === map.id);
    expect(inputs.map((e) => e.targetInput)).toEqual([1, 1]);
  });

  it('rejects duplicate uids with a message naming both operators', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements(1)
      .map((x) => x)
      .uid('same')
      .name('first')
      .filter(() => true)
      .uid('same')
      .name('second')
      .print();
    expect(() => graphOf(env)).toThrow(/uid 'same' is used by both 'first' and 'second'/);
  });

  it('rejects parallelism above maxParallelism', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements(1)
      .map((x) => x)
      .setParallelism(8)
      .setMaxParallelism(4)
      .print();
    expect(() => graphOf(env)).toThrow(/parallelism 8 above its maxParallelism 4/);
  });
});

describe('maxParallelism from the environment', () => {
  it('rejects an operator parallelism above the environment maxParallelism', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(4).setMaxParallelism(2);
    env
      .fromElements(1)
      .map((x) => x)
      .setParallelism(4)
      .print();
    await expect(env.execute()).rejects.toThrow(/parallelism 4 above its maxParallelism 2/);
  });

  it('defaults to 128 key groups, more when the parallelism is larger', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env
      .fromElements(1)
      .keyBy((x) => x)
      .map((x) => x)
      .setParallelism(200)
      .print();
    const g = buildJobGraph((env as unknown as { sinks: never[] }).sinks, {
      jobId: 'j',
      jobName: 't',
      defaultParallelism: 1,
      defaultMaxParallelism: undefined,
      chainingEnabled: true,
      config: DEFAULT_JOB_CONFIG,
    });
    expect(g.vertices.map((v) => v.maxParallelism)).toEqual([128, 200, 128]);
  });
});
