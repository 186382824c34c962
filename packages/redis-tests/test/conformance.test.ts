import { describeContextStorage } from '@context-storage/core/conformance';
import { REDIS_CAPABILITIES } from '@context-storage/redis-layout';
import { ADAPTERS, hooksFor, randomPrefix, TOPOLOGIES, topologyUri } from './matrix.js';

// The whole conformance suite, no skips, for every Redis adapter on every topology.
for (const row of ADAPTERS) {
  for (const topology of TOPOLOGIES) {
    describeContextStorage(
      `${row.name} (${topology})`,
      (options) => row.connect(topologyUri(topology), { ...options, prefix: randomPrefix() }),
      { capabilities: REDIS_CAPABILITIES, hooks: hooksFor(row, topology) },
    );
  }
}
