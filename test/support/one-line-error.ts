/**
 * The project's rule for bad input, checked where a test reads an error: the message is one line.
 */
import { expect } from 'vitest';

/** The message of the error `fn` throws, which must be one line; fails when `fn` throws none. */
export function oneLineError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected an error');
}
