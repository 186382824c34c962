/** Every deliberately broken memory adapter, by the name `BROKEN=<name>` selects it with. */
import { batchOrder } from './batch-order.js';
import { batchReplaceFlag } from './batch-replace-flag.js';
import { batchRollback } from './batch-rollback.js';
import { batchWriteOrder } from './batch-write-order.js';
import { clearAll } from './clear-all.js';
import { type BrokenAdapter, control } from './common.js';
import { createdAtIgnored } from './created-at-ignored.js';
import { deleteOnlyVersion } from './delete-only-version.js';
import { duplicateLoadConsumed } from './duplicate-load-consumed.js';
import { expiredDeleteCounts } from './expired-delete-counts.js';
import { expiredItemsReadable } from './expired-items-readable.js';
import { expiredVersionCheck } from './expired-version-check.js';
import { expiredVersionContinues } from './expired-version-continues.js';
import { foreignCount } from './foreign-count.js';
import { frameworkReset } from './framework-reset.js';
import { ignoresTtl } from './ignores-ttl.js';
import { keepsOldTtl } from './keeps-old-ttl.js';
import { loadItemsThrows } from './loaditems-throws.js';
import { locationPerInstance } from './location-per-instance.js';
import { lostUpdate } from './lost-update.js';
import { offsetCursor } from './offset-cursor.js';
import { prefixGlobDelete } from './prefix-glob-delete.js';
import { replaceKeepsTtl } from './replace-keeps-ttl.js';
import { replaceOnSave } from './replace-on-save.js';
import { sharedCache } from './shared-cache.js';
import { shortPageEnds } from './short-page-ends.js';
import { staleUpdatedAt } from './stale-updated-at.js';
import { textPayloads } from './text-payloads.js';
import { turnsFromOne } from './turns-from-one.js';
import { windowOfFirst } from './window-of-first.js';

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
  'duplicate-load-consumed': duplicateLoadConsumed,
  'window-of-first': windowOfFirst,
  'batch-rollback': batchRollback,
  'batch-replace-flag': batchReplaceFlag,
  'turns-from-one': turnsFromOne,
  'replace-keeps-ttl': replaceKeepsTtl,
  'expired-delete-counts': expiredDeleteCounts,
  'expired-items-readable': expiredItemsReadable,
  'expired-version-continues': expiredVersionContinues,
  'stale-updated-at': staleUpdatedAt,
  'short-page-ends': shortPageEnds,
  'offset-cursor': offsetCursor,
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
