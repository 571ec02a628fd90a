/**
 * Environment and configuration setters: each one either changes what a job does or rejects a
 * bad value with a one-line user error that says what to pass instead.
 */
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  ErrorCodes,
  type MapFunction,
  RestartStrategies,
  type RuntimeContext,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  WeirError,
} from '../../src/index.js';
import { rejection, thrown } from '../support/recording-sink.js';

function expectUserError(error: Error, code: string, pattern: RegExp): void {
  expect(error).toBeInstanceOf(WeirError);
  expect((error as WeirError).code).toBe(code);
  expect((error as WeirError).domain).toBe('user');
  expect(error.message).not.toContain('\n');
  expect(error.message).toMatch(pattern);
}

/** A rich map that reports the parallelism facts of its subtask. */
function facts(): MapFunction<number, string> {
  return {
    text: '',
    open(ctx: RuntimeContext) {
      this.text = `${ctx.getNumberOfParallelSubtasks()}/${ctx.getMaxNumberOfParallelSubtasks()}`;
    },
    map() {
      return this.text;
    },
  } as MapFunction<number, string> & { text: string };
}

describe('parallelism', () => {
  it('setParallelism is the default of every operator; setMaxParallelism sets the number of key groups', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(3).setMaxParallelism(64);
    expect(env.getParallelism()).toBe(3);
    expect(env.getMaxParallelism()).toBe(64);
    const out = await env
      .fromSource(new DataGeneratorSource((i) => i, 9), WatermarkStrategy.noWatermarks(), 'g')
      .map(facts())
      .executeAndCollect();
    expect(out).toEqual(Array(9).fill('3/64'));
  });

  it('rejects a parallelism that is not a positive integer', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expectUserError(
        thrown(() => env.setParallelism(bad)),
        ErrorCodes.INVALID_ARGUMENT,
        /parallelism must be an integer >= 1/,
      );
    }
    expectUserError(
      thrown(() =>
        env
          .fromElements(1)
          .map((x) => x)
          .setParallelism(0),
      ),
      ErrorCodes.INVALID_ARGUMENT,
      /parallelism must be an integer >= 1, got 0/,
    );
  });

  it('rejects a maxParallelism outside 1..32768, and an operator maxParallelism below its parallelism at execution', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    for (const bad of [0, 40_000, 2.5]) {
      expectUserError(
        thrown(() => env.setMaxParallelism(bad)),
        ErrorCodes.INVALID_ARGUMENT,
        /maxParallelism must be an integer in 1\.\.32768/,
      );
    }
    env
      .fromElements(1, 2)
      .map((x) => x)
      .setParallelism(4)
      .setMaxParallelism(2)
      .print();
    expectUserError(
      await rejection(env.execute()),
      ErrorCodes.INVALID_ARGUMENT,
      /parallelism 4 above its maxParallelism 2/,
    );
  });
});

describe('runtime mode', () => {
  it("rejects an unknown mode, and 'batch' with an unbounded source", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    expectUserError(
      thrown(() => env.setRuntimeMode('fast' as never)),
      ErrorCodes.INVALID_ARGUMENT,
      /'streaming' or 'batch'/,
    );
    env.setRuntimeMode('batch');
    env
      .fromSource(
        new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY),
        WatermarkStrategy.noWatermarks(),
        'g',
      )
      .print();
    expectUserError(
      await rejection(env.execute()),
      ErrorCodes.INVALID_GRAPH,
      /batch runtime mode needs bounded sources/,
    );
  });
});

describe('checkpoint configuration', () => {
  it('enableCheckpointing records the interval and mode, and validates them', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    expect(env.getCheckpointConfig().isCheckpointingEnabled()).toBe(false);
    env.enableCheckpointing(500, 'at-least-once');
    expect(env.getCheckpointConfig().isCheckpointingEnabled()).toBe(true);
    expect(env.getCheckpointConfig().interval).toBe(500);
    expect(env.getCheckpointConfig().mode).toBe('at-least-once');
    env.enableCheckpointing(1000);
    expect(env.getCheckpointConfig().mode).toBe('exactly-once');
    for (const bad of [0, -5, Number.NaN]) {
      expectUserError(
        thrown(() => env.enableCheckpointing(bad)),
        ErrorCodes.INVALID_ARGUMENT,
        /checkpoint interval must be > 0 ms/,
      );
    }
    expectUserError(
      thrown(() => env.enableCheckpointing(100, 'twice' as never)),
      ErrorCodes.INVALID_ARGUMENT,
      /'exactly-once' or 'at-least-once'/,
    );
  });

  it('CheckpointConfig setters store valid values and reject bad ones', () => {
    const config = StreamExecutionEnvironment.getExecutionEnvironment().getCheckpointConfig();
    config.setCheckpointStorage('file:///tmp/weir-checkpoints');
    expect(config.storage).toBe('/tmp/weir-checkpoints');
    config.setCheckpointStorage('/var/weir');
    expect(config.storage).toBe('/var/weir');
    expectUserError(
      thrown(() => config.setCheckpointStorage('relative/dir')),
      ErrorCodes.INVALID_ARGUMENT,
      /absolute path or file:\/\/ URI, got 'relative\/dir'/,
    );
    expect(config.storage).toBe('/var/weir');

    config.setMinPauseBetweenCheckpoints(250);
    expect(config.minPauseBetweenCheckpoints).toBe(250);
    expectUserError(
      thrown(() => config.setMinPauseBetweenCheckpoints(-1)),
      ErrorCodes.INVALID_ARGUMENT,
      /minPauseBetweenCheckpoints must be >= 0/,
    );
    expect(config.minPauseBetweenCheckpoints).toBe(250);

    config.setMaxRetainedCheckpoints(3);
    expect(config.maxRetainedCheckpoints).toBe(3);
    for (const bad of [0, 1.5]) {
      expectUserError(
        thrown(() => config.setMaxRetainedCheckpoints(bad)),
        ErrorCodes.INVALID_ARGUMENT,
        /maxRetainedCheckpoints must be an integer >= 1/,
      );
    }
    expect(config.maxRetainedCheckpoints).toBe(3);
  });
});

describe('restart strategies and state backends', () => {
  it('RestartStrategies.fixedDelay describes attempts and delay, validates them, and the environment keeps it', () => {
    const strategy = RestartStrategies.fixedDelay(3, 100);
    expect(strategy).toEqual({ kind: 'fixed-delay', attempts: 3, delayMs: 100 });
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    expect(env.getRestartStrategy()).toEqual({ kind: 'none' });
    env.setRestartStrategy(strategy);
    expect(env.getRestartStrategy()).toBe(strategy);
    expectUserError(
      thrown(() => RestartStrategies.fixedDelay(-1, 10)),
      ErrorCodes.INVALID_ARGUMENT,
      /attempts must be an integer >= 0/,
    );
    expectUserError(
      thrown(() => RestartStrategies.fixedDelay(1.5, 10)),
      ErrorCodes.INVALID_ARGUMENT,
      /attempts must be an integer >= 0/,
    );
    expectUserError(
      thrown(() => RestartStrategies.fixedDelay(1, -10)),
      ErrorCodes.INVALID_ARGUMENT,
      /delayMs must be >= 0/,
    );
  });

  // API.md: a job that fails is restarted by its restart strategy; without checkpoints the
  // restart begins from scratch, and the collect sink drops what the failed attempt collected.
  it('fixedDelay(1, …) restarts a job whose first attempt fails, and the second attempt succeeds', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setRestartStrategy(
      RestartStrategies.fixedDelay(1, 10),
    );
    const out = await env
      .fromElements(1, 2, 3)
      .map({
        attempt: -1,
        open(ctx: RuntimeContext) {
          this.attempt = ctx.getAttemptNumber();
        },
        map(x: number) {
          if (this.attempt === 0 && x === 2) throw new Error('transient failure');
          return x;
        },
      } as MapFunction<number, number> & { attempt: number })
      .executeAndCollect();
    expect(out).toEqual([1, 2, 3]);
  });

  it("setStateBackend('heap') and 'disk' run keyed state alike; an unknown name is rejected", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setStateBackend('heap');
    const out = await env
      .fromElements('a', 'b', 'a')
      .keyBy((x) => x)
      .reduce((x, y) => x + y)
      .executeAndCollect();
    expect(out).toEqual(['a', 'b', 'aa']);
    expectUserError(
      thrown(() => env.setStateBackend('rocksdb' as never)),
      ErrorCodes.INVALID_ARGUMENT,
      /unknown state backend 'rocksdb'; use 'heap' or 'disk'/,
    );
    const onDisk = await StreamExecutionEnvironment.getExecutionEnvironment()
      .setStateBackend('disk')
      .fromElements('a', 'b', 'a')
      .keyBy((x) => x)
      .reduce((x, y) => x + y)
      .executeAndCollect();
    expect(onDisk).toEqual(['a', 'b', 'aa']);
  });
});

describe('WatermarkStrategy validation', () => {
  it('rejects negative delays and non-positive idle timeouts', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).toThrow(/delay >= 0 ms/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0)).toThrow(/timeout > 0 ms/);
  });

  it('setAutoWatermarkInterval rejects negative intervals', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    expectUserError(
      thrown(() => env.getConfig().setAutoWatermarkInterval(-1)),
      ErrorCodes.INVALID_ARGUMENT,
      /autoWatermarkInterval must be >= 0/,
    );
    expect(env.getConfig().setAutoWatermarkInterval(0).getAutoWatermarkInterval()).toBe(0);
  });
});
