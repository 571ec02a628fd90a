/**
 * One FileSink part file being written. Records are encoded straight into a 64 KiB buffer and
 * written with synchronous calls only when it fills (or on flush), so there is no system call
 * per record. The file is created with 'wx', so an existing file is never overwritten.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { FileSinkCommittable } from './file-committable.js';
import type { PartPaths } from './output-file-config.js';
import type { PartFileInfo } from './rolling-policy.js';

const BUFFER_SIZE = 64 * 1024;
/** A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4). */
const MAX_BYTES_PER_UNIT = 3;

/** An open in-progress part; see the module comment. */
export class PartFile implements PartFileInfo {
  size = 0;
  lastUpdateTime: number;
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private closed = false;

  constructor(
    readonly bucketId: string,
    readonly paths: PartPaths,
    readonly creationTime: number,
  ) {
    this.fd = openSync(paths.inProgressPath, 'wx');
    this.lastUpdateTime = creationTime;
  }

  /** Appends `text` (already encoded as a row, newline included). */
  write(text: string, now: number): void {
    this.lastUpdateTime = now;
    const worstCase = text.length * MAX_BYTES_PER_UNIT;
    if (worstCase > BUFFER_SIZE - this.used) {
      this.flush();
      if (worstCase > BUFFER_SIZE) {
        const bytes = Buffer.from(text, 'utf8');
        writeFully(this.fd, bytes, bytes.length);
        this.size += bytes.length;
        return;
      }
    }
    const written = this.buffer.write(text, this.used, 'utf8');
    this.used += written;
    this.size += written;
  }

  /** Writes the buffer to the file (no fsync). */
  flush(): void {
    if (this.used === 0) return;
    writeFully(this.fd, this.buffer, this.used);
    this.used = 0;
  }

  /** Flushes and fsyncs, so that `size` bytes are durable; for snapshots. */
  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  /** Makes the part pending: durable and closed, ready for the committer to rename. */
  closeForCommit(): FileSinkCommittable {
    this.sync();
    this.close();
    return {
      bucketId: this.bucketId,
      pendingPath: this.paths.inProgressPath,
      finalPath: this.paths.finalPath,
    };
  }

  /**
   * Closes without committing and without writing what is buffered; the hidden file stays
   * behind for recovery or clean-up. Only `flush`, `sync` and `closeForCommit` write.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function writeFully(fd: number, bytes: Buffer, length: number): void {
  let offset = 0;
  while (offset < length) offset += writeSync(fd, bytes, offset, length - offset);
}
