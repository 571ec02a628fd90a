/**
 * Reads a file's lines from a byte offset without blocking. Chunks are read with
 * `fs.promises` one ahead of the consumer; `next()` returns a line when one is complete in
 * memory and 'wait' when it needs the next chunk. Lines are cut at byte 0x0A before they are
 * decoded: that byte never occurs inside a multi-byte UTF-8 character, so a character split
 * across two chunks is decoded whole, and byte offsets stay exact for checkpoints.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { ErrorCodes, WeirError } from '../../types/errors.js';

const LF = 10;
const CR = 13;
const EMPTY = Buffer.alloc(0);

/** The default read size. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** What `next()` found: a line (see the reader's fields), a pause for I/O, or the end of the file. */
export type LineStatus = 'line' | 'wait' | 'eof';

/** Reads lines of one file; see the module comment. */
export class LineReader {
  /** The last line returned, without its terminator. */
  line = '';
  /** The last line's terminator: '\n', '\r\n', or '' at the end of a file without a final newline. */
  terminator = '';
  /** Byte offset just past the last line and its terminator. */
  nextOffset: number;

  private buffer: Buffer = EMPTY;
  /** File offset of `buffer[0]`. */
  private bufferOffset: number;
  private position = 0;
  private ready: Buffer | undefined;
  private readPosition: number;
  private inFlight: Promise<void> | undefined;
  private eof = false;
  private failure: unknown;
  private handle: FileHandle | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    startOffset: number,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {
    this.nextOffset = startOffset;
    this.bufferOffset = startOffset;
    this.readPosition = startOffset;
  }

  /** Advances to the next line if one is in memory; starts the next read otherwise. */
  next(): LineStatus {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const buffer = this.buffer;
      const start = this.position;
      const lf = buffer.indexOf(LF, start);
      if (lf !== -1) {
        const crlf = lf > start && buffer[lf - 1] === CR;
        this.line = buffer.toString('utf8', start, crlf ? lf - 1 : lf);
        this.terminator = crlf ? '\r\n' : '\n';
        this.position = lf + 1;
        this.nextOffset = this.bufferOffset + lf + 1;
        return 'line';
      }
      if (this.ready !== undefined) {
        this.takeReady();
        continue;
      }
      if (this.eof) {
        if (start >= buffer.length) return 'eof';
        const end = buffer[buffer.length - 1] === CR ? buffer.length - 1 : buffer.length;
        this.line = buffer.toString('utf8', start, end);
        this.terminator = '';
        this.position = buffer.length;
        this.nextOffset = this.bufferOffset + buffer.length;
        return 'line';
      }
      this.startRead();
      return 'wait';
    }
  }

  /** Resolves when `next()` may make progress again; never rejects (errors surface in `next`). */
  whenReady(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  /** Closes the file; safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private takeReady(): void {
    const rest = this.buffer.length - this.position;
    // Only the unfinished tail of the old chunk is copied, so a long line costs a copy per chunk.
    this.buffer = rest > 0 ? Buffer.concat([this.buffer.subarray(this.position), this.ready!]) : this.ready!;
    this.bufferOffset += this.position;
    this.position = 0;
    this.ready = undefined;
    this.startRead();
  }

  private startRead(): void {
    if (this.inFlight !== undefined || this.ready !== undefined || this.eof || this.closed) return;
    this.inFlight = this.read().finally(() => {
      this.inFlight = undefined;
    });
  }

  private async read(): Promise<void> {
    try {
      this.handle ??= await open(this.path, 'r');
      const chunk = Buffer.allocUnsafe(this.chunkSize);
      const { bytesRead } = await this.handle.read(chunk, 0, this.chunkSize, this.readPosition);
      if (bytesRead === 0) {
        this.eof = true;
      } else {
        this.ready = chunk.subarray(0, bytesRead);
        this.readPosition += bytesRead;
      }
    } catch (e) {
      const reason = (e as Error)?.message ?? String(e);
      this.failure = new WeirError(ErrorCodes.IO, `cannot read ${this.path}: ${reason}`, {
        domain: 'external',
        retriable: true,
        cause: e,
      });
    }
  }
}
