import { describeContextStorage } from '@context-storage/core/conformance';
import { afterAll } from 'vitest';
import { type KeyvRelease, keyvRows, randomNamespace } from './stores.js';

// What a Keyv store can honestly promise: TTL and listing, not compare-and-set across instances.
const capabilities = { ttl: true, crossInstanceCompareAndSet: false, listIds: true };

/** The conformance suite over one Keyv release, on the Map store and on @keyv/redis. */
export function describeKeyvConformance(release: KeyvRelease): void {
  const rows = keyvRows(release);
  describeContextStorage(
    `${release.label} (Map store)`,
    async (options) => rows.openOnMap(randomNamespace(), options),
    { capabilities, hooks: rows.mapHooks },
  );
  describeContextStorage(
    `${release.label} (@keyv/redis)`,
    (options) => rows.openOnRedis(randomNamespace(), options),
    { capabilities, hooks: rows.redisHooks },
  );
  afterAll(rows.closeRawClients);
}
