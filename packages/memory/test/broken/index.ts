/** Every deliberately broken memory adapter, by the name `BROKEN=<name>` selects it with. */
import { batchOrder } from './batch-order.js';
import { batchWriteOrder } from './batch-write-order.js';
import { clearAll } from './clear-all.js';
import { type BrokenAdapter, control } from './common.js';
import { createdAtIgnored } from './created-at-ignored.js';
import { deleteOnlyVersion } from './delete-only-version.js';
import { expiredVersionCheck } from './expired-version-check.js';
import { foreignCount } from './foreign-count.js';
import { frameworkReset } from './framework-reset.js';
import { ignoresTtl } from './ignores-ttl.js';
import { keepsOldTtl } from './keeps-old-ttl.js';
import { loadItemsThrows } from './loaditems-throws.js';
import { locationPerInstance } from './location-per-instance.js';
import { lostUpdate } from './lost-update.js';
import { prefixGlobDelete } from './prefix-glob-delete.js';
import { replaceOnSave } from './replace-on-save.js';
import { sharedCache } from './shared-cache.js';
import { textPayloads } from './text-payloads.js';

export type { BrokenAdapter } from './common.js';

/** The broken adapters; the conformance suite must fail on each. */
export const BROKEN_ADAPTERS: Readonly<Record<string, BrokenAdapter>> = {
  'ignores-ttl': ignoresTtl,
  'keeps-old-ttl': keepsOldTtl,
  'expired-version-check': expiredVersionCheck,
  'shared-cache': sharedCache,
  'foreign-count': foreignCount,
  'lost-update': lostUpdate,
  'created-at-ignored': createdAtIgnored,
  'location-per-instance': locationPerInstance,
  'batch-order': batchOrder,
  'batch-write-order': batchWriteOrder,
  'prefix-glob-delete': prefixGlobDelete,
  'clear-all': clearAll,
  'replace-on-save': replaceOnSave,
  'framework-reset': frameworkReset,
  'text-payloads': textPayloads,
  'loaditems-throws': loadItemsThrows,
  'delete-only-version': deleteOnlyVersion,
};

/** The adapter `BROKEN=<name>` selects: `none` is the real memory adapter (the control). */
export function adapterNamed(name: string): BrokenAdapter {
  if (name === 'none') return control;
  const adapter = BROKEN_ADAPTERS[name];
  if (adapter === undefined) {
    throw new Error(`unknown BROKEN=${name}; expected none or ${Object.keys(BROKEN_ADAPTERS)}`);
  }
  return adapter;
}
