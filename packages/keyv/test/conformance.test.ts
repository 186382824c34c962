import { describeContextStorage } from '@context-storage/core/conformance';
import { afterAll } from 'vitest';
import {
  closeRawClients,
  mapHooks,
  openOnMap,
  openOnRedis,
  randomNamespace,
  redisHooks,
} from './stores.js';

// What a Keyv store can honestly promise: TTL and listing, not compare-and-set across instances.
const capabilities = { ttl: true, crossInstanceCompareAndSet: false, listIds: true };

describeContextStorage(
  'keyv (Map store)',
  async (options) => openOnMap(randomNamespace(), options),
  { capabilities, hooks: mapHooks },
);

describeContextStorage('keyv (@keyv/redis)', (options) => openOnRedis(randomNamespace(), options), {
  capabilities,
  hooks: redisHooks,
});

afterAll(closeRawClients);
