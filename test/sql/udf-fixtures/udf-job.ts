/**
 * A SQL job file with user-defined functions, for the worker-thread test: every worker loads
 * this file again, so the functions it registers exist on each thread. Rows name the thread
 * whose scalar function computed them.
 *
 *     udf-job.ts -- <rows> <parallelism> <wordsDir> <totalsDir>
 *         words: `SELECT id, word, thread_of(id) FROM t, LATERAL TABLE(split_words(s))` into wordsDir;
 *         totals: `SELECT word, total(id) FROM … GROUP BY word` as changes into totalsDir
 */
import { threadId } from 'node:worker_threads';
import {
  DataGeneratorSource,
  FileSink,
  type StreamExecutionEnvironment,
  TableEnvironment,
  TableFunction,
  WatermarkStrategy,
} from '../../../src/index.js';

/** One output row of the words query. */
export interface WordRow {
  readonly id: number;
  readonly word: string;
  readonly thread: number;
}

/** The word of each row: `w<i mod 3>` and `x<i mod 5>`. */
export const sentence = (i: number) => `w${i % 3} x${i % 5}`;

class Split extends TableFunction {
  readonly resultType = 'ROW<word STRING>';
  eval(s: string): void {
    for (const word of s.split(' ')) this.collect({ word });
  }
}

export default function build(env: StreamExecutionEnvironment, args: string[]): void {
  const [rows, parallelism, wordsDir, totalsDir] = args;
  const p = Number(parallelism);
  env.setParallelism(p);
  const tEnv = TableEnvironment.create(env);
  tEnv.createTemporarySystemFunction('split_words', new Split());
  tEnv.createTemporarySystemFunction('thread_of', { eval: () => threadId, resultType: 'INT' });
  tEnv.createTemporarySystemFunction('total', {
    createAccumulator: () => ({ sum: 0 }),
    accumulate(acc: { sum: number }, id: number) {
      acc.sum += id;
    },
    retract(acc: { sum: number }, id: number) {
      acc.sum -= id;
    },
    getValue: (acc: { sum: number }) => acc.sum,
    resultType: 'BIGINT',
    argumentTypes: ['BIGINT'],
  });
  const source = env
    .fromSource(
      new DataGeneratorSource((i) => ({ id: i, s: sentence(i) }), Number(rows)),
      WatermarkStrategy.noWatermarks(),
      'rows',
    )
    .uid('rows')
    .setParallelism(p);
  tEnv.createTemporaryView('t', source, { id: 'BIGINT', s: 'STRING' });
  tEnv
    .toDataStream(
      tEnv.sqlQuery('SELECT id, word, thread_of(id) AS thread FROM t, LATERAL TABLE(split_words(s))'),
    )
    .sinkTo(FileSink.forRowFormat(wordsDir!).build())
    .uid('words')
    .setParallelism(p);
  tEnv
    .toChangelogStream(
      tEnv.sqlQuery('SELECT word, total(id) AS total FROM t, LATERAL TABLE(split_words(s)) GROUP BY word'),
    )
    .sinkTo(FileSink.forRowFormat(totalsDir!).build())
    .uid('totals')
    .setParallelism(1);
}
