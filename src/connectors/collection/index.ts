/** Sources over in-memory collections: `env.fromElements` and `env.fromCollection`. */
export { CollectionReader } from './collection-reader.js';
export { CollectionSource } from './collection-source.js';
export { COLLECTION_SPLIT_ID, type CollectionSplit } from './collection-split.js';
