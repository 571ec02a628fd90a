/**
 * Encoding of keyed-state snapshot blobs, one per key group, in the codec's format (what
 * `decode` of `types/codec.ts` reads) but with a buffer of their own each.
 *
 * The codec's `encode` returns views into msgpackr's shared output chunks (each four times the
 * size of the value that last outgrew one), so a snapshot's blobs pin a chunk's worth of memory
 * each, and anything that sends a blob to another thread must copy it out first (cloning a
 * view clones its whole buffer). Here every group is packed into one scratch buffer that the
 * next group overwrites and then copied out at its exact size: a snapshot allocates its bytes
 * once, and the allocation the garbage collector reacts to (msgpackr's chunks are external
 * memory, whose growth starts a full collection of a heap holding all the state) is halved on
 * the threaded runtime, which copied every blob again.
 */
import { Packr, RESET_BUFFER_MODE } from 'msgpackr';

// Same options as the codec's packer: the bytes are identical (checked by a test), and the
// extensions registered through the codec are msgpackr-wide, so this packer writes them too.
const packr = new Packr({ moreTypes: true, mapsAsObjects: false, useRecords: true });

/** Scratch kept between snapshots at most; a larger one (grown for a huge group) is let go. */
const MAX_KEPT_SCRATCH_BYTES = 16 << 20;

/**
 * Encodes one key group's value, as the codec's `encode` would, into a new buffer of exactly
 * its size. Not re-entrant (the scratch buffer is shared): values must not encode state
 * snapshots from inside a registered class's `write`. The scratch buffer grows to fit the
 * largest group (msgpackr grows it by up to four times) and is kept while at most 16 MB.
 */
export function encodeKeyGroup(value: unknown): Uint8Array {
  const view = packr.pack(value, RESET_BUFFER_MODE);
  const bytes = Uint8Array.prototype.slice.call(view);
  if (view.buffer.byteLength > MAX_KEPT_SCRATCH_BYTES) packr.useBuffer(Buffer.allocUnsafeSlow(8192));
  return bytes;
}
