import type { BenchDefinition } from '../bench-report';

/**
 * The rows of `npm run bench`, in the order they run (issue 11 names them). Each lives in its own
 * `<name>.bench.ts` and is registered here with one line.
 */
export const benchRows: BenchDefinition[] = [];
