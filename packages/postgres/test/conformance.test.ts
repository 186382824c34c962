import { describeContextStorage } from '@context-storage/core/conformance';
import { POSTGRES_CAPABILITIES } from '../src/index.js';
import { BACKENDS, hooksFor } from './matrix.js';

// The whole suite, no test skipped, on every row of the matrix: each storage gets its own prefix
// in one shared database, so isolation between prefixes is tested on shared data.
for (const row of BACKENDS) {
  describeContextStorage(row.name, (options) => row.open(options), {
    capabilities: POSTGRES_CAPABILITIES,
    hooks: hooksFor(row),
  });
}
