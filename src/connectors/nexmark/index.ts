/** The Nexmark benchmark's generator of people, auctions and bids, and the source that emits them. */
export { JavaRandom } from './java-random.js';
export { DEFAULT_BASE_TIME, type NexmarkConfig, type ResolvedNexmarkConfig } from './nexmark-config.js';
export {
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  NexmarkGenerator,
  NUM_CATEGORIES,
} from './nexmark-generator.js';
export { NexmarkReader } from './nexmark-reader.js';
export { NexmarkSource } from './nexmark-source.js';
export { createNexmarkSplits, type NexmarkSplit } from './nexmark-split.js';
