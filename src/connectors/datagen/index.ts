/** A deterministic source that generates records from their index, optionally rate-limited. */
export { DataGeneratorReader } from './datagen-reader.js';
export { DataGeneratorSource } from './datagen-source.js';
export { createGeneratorSplits, type DataGeneratorSplit } from './datagen-split.js';
export { RateLimiter } from './rate-limiter.js';
