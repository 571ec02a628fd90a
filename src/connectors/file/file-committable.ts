/** What a FileSink writer hands to its committer: a pending part and its committed name. */

/** A pending part file to make visible by renaming; plain data, stored in checkpoints. */
export interface FileSinkCommittable {
  readonly bucketId: string;
  /** The hidden, closed and fsynced part file. */
  readonly pendingPath: string;
  /** Its name once committed; unique to the attempt that wrote the part. */
  readonly finalPath: string;
}
