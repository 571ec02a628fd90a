/**
 * One thread of the parallel hand-written loop of `weir bench file-window` (see
 * `runParallelLoop` in file-window-data.ts): runs the loop over its byte range of the file and
 * posts the partial windows and its time back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LoopTask, runLoop } from './file-window-data.js';

/** Runs the task in `workerData.task` and posts `{ windows, seconds }` to the parent. */
export function runLoopTask(): void {
  const { path, windowMs, disorderMs, range } = (workerData as { task: LoopTask }).task;
  parentPort!.postMessage(runLoop(path, windowMs, disorderMs, range));
}
