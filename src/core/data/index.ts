/**
 * The data layer's front door: bytes -> text -> table with row positions -> schema ->
 * split -> feature matrix, plus row content keys and the two undoable row edits.
 */
export * from './types';
export { detectFormat, decodeDataset, DEFAULT_MAX_BYTES, type DecodeOptions } from './format';
export { parseTable } from './parse';
export { isMissing, parseNumber, labelOf, MISSING_TOKENS } from './cells';
export { inferSchema, LABEL_NAMES, DEFAULT_MAX_CLASSES, type SchemaOptions } from './schema';
export { stratifiedSplit, splitStrata } from './split';
export { featurize, DEFAULT_HASH_BUCKETS, INTERCEPT_NAME, type FeaturizeOptions } from './featurize';
export { crc32 } from './textHash';
export { rowHash } from './rowHash';
export { removeRowEdit, relabelRowEdit, quoteField, type TextEdit, type TextPosition } from './edits';
