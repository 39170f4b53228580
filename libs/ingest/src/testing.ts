/** Test helpers (not for production code): read back an export, search every store for a person. */
export { readTar } from './export/test/tar-reader';
export { findInDatabase, findInFiles, findInRedis } from './erasure/test/erasure-scan';
export { createPersonWorld, silentLogger, TINY_PNG, type PersonWorld } from './test/person-world';
