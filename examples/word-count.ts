/**
 * Word count over text files: the "hello world" of stream processing.
 *
 * Reads lines with `FileSource` and `TextLineFormat`, splits them into lowercase words with
 * `flatMap`, keys by word and keeps a running count with `reduce`. Each new count is printed as
 * it changes, so the last line for a word holds its total.
 *
 * Run: `npx weir run examples/word-count.ts` (reads examples/data/sample.txt), or
 * `npx weir run examples/word-count.ts -- path/to/file-or-directory …`.
 */
import { fileURLToPath } from 'node:url';
import {
  type Collector,
  FileSource,
  type StreamExecutionEnvironment,
  TextLineFormat,
  WatermarkStrategy,
} from '../src/index.js';

/** A word and how often it has been seen so far. */
export interface WordCount {
  readonly word: string;
  readonly count: number;
}

const SAMPLE = fileURLToPath(new URL('./data/sample.txt', import.meta.url));

/** Builds the job; `args` are the files or directories to read (default: the sample text). */
export default function wordCount(env: StreamExecutionEnvironment, args: string[]): void {
  const paths = args.length > 0 ? args : [SAMPLE];
  env
    .fromSource(
      FileSource.forRecordFormat(new TextLineFormat(), ...paths).build(),
      WatermarkStrategy.noWatermarks<string>(),
      'lines',
    )
    .flatMap(splitWords)
    .keyBy((wc) => wc.word)
    .reduce((a, b) => ({ word: a.word, count: a.count + b.count }))
    .print('count');
}

/** Emits each word of a line, lowercased, with a count of 1. */
function splitWords(line: string, out: Collector<WordCount>): void {
  for (const word of line.toLowerCase().split(/[^\p{L}\p{N}']+/u)) {
    if (word.length > 0) out.collect({ word, count: 1 });
  }
}
