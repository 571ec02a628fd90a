/**
 * Partitioners decide which downstream channel gets a record. The graph describes them as
 * plain specs; the exchange turns a spec into a selector for one upstream subtask.
 */
import { canonicalKey, keyGroupOfCanonical, operatorIndexForKeyGroup } from '../state/key-groups.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { KeySelector } from '../types/functions.js';

/** How records of an edge are distributed. */
export type PartitionerSpec =
  | { readonly kind: 'forward' }
  | { readonly kind: 'rebalance' }
  | { readonly kind: 'rescale' }
  | { readonly kind: 'shuffle' }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'global' }
  | { readonly kind: 'hash'; readonly keySelector: KeySelector<any, unknown> };

/** The kinds of partitioner. */
export type PartitionerKind = PartitionerSpec['kind'];

/** Chooses a channel for each record; `BROADCAST` means every channel. */
export interface ChannelSelector {
  readonly broadcast: boolean;
  selectChannel(value: unknown): number;
}

/** Whether an edge connects each upstream subtask to every downstream subtask. */
export function isAllToAll(kind: PartitionerKind): boolean {
  return kind !== 'forward' && kind !== 'rescale';
}

/**
 * A selector for one upstream subtask writing to `numChannels` channels. For hash
 * partitioning, channel i must be downstream subtask i (all-to-all edges guarantee it).
 */
export function createChannelSelector(
  spec: PartitionerSpec,
  numChannels: number,
  subtaskIndex: number,
  maxParallelism: number,
): ChannelSelector {
  switch (spec.kind) {
    case 'forward':
    case 'global':
      return { broadcast: false, selectChannel: () => 0 };
    case 'broadcast':
      return { broadcast: true, selectChannel: () => 0 };
    case 'rebalance':
    case 'rescale': {
      // Start at a channel that depends on the subtask so parallel senders spread out, yet
      // deterministically (Flink starts at a random channel).
      let next = subtaskIndex % numChannels;
      return {
        broadcast: false,
        selectChannel: () => {
          const channel = next;
          next = next + 1 === numChannels ? 0 : next + 1;
          return channel;
        },
      };
    }
    case 'shuffle':
      return { broadcast: false, selectChannel: () => Math.floor(Math.random() * numChannels) };
    case 'hash': {
      // One channel takes every key: the receiver computes and checks the key anyway (keyed
      // state needs it, and rejects a bad one with the same error), so computing it here too
      // (a compact string of several columns, its canonical form and hash) would be waste.
      if (numChannels === 1) return { broadcast: false, selectChannel: () => 0 };
      const selector = spec.keySelector;
      return {
        broadcast: false,
        selectChannel: (value) => {
          const key = selector(value);
          return operatorIndexForKeyGroup(
            maxParallelism,
            numChannels,
            keyGroupOfCanonical(canonicalKey(key), maxParallelism),
          );
        },
      };
    }
  }
}

/**
 * The downstream subtasks an upstream subtask sends to on a pointwise edge (forward, rescale),
 * following Flink: with fewer senders each covers a range of receivers, with more each
 * receiver takes a range of senders.
 */
export function pointwiseTargets(
  upstreamParallelism: number,
  downstreamParallelism: number,
  subtask: number,
): number[] {
  if (upstreamParallelism === downstreamParallelism) return [subtask];
  if (upstreamParallelism < downstreamParallelism) {
    const start = Math.floor((subtask * downstreamParallelism) / upstreamParallelism);
    const end = Math.floor(((subtask + 1) * downstreamParallelism) / upstreamParallelism);
    return range(start, end);
  }
  for (let target = 0; target < downstreamParallelism; target++) {
    const start = Math.floor((target * upstreamParallelism) / downstreamParallelism);
    const end = Math.floor(((target + 1) * upstreamParallelism) / downstreamParallelism);
    if (subtask >= start && subtask < end) return [target];
  }
  throw new WeirError(ErrorCodes.INTERNAL, `no pointwise target for subtask ${subtask}`, {
    domain: 'internal',
  });
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}
