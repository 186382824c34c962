/** Every deliberately broken memory adapter, by the name `BROKEN=<name>` selects it with. */
import { batchOrder } from './batch-order.js';
import { clearAll } from './clear-all.js';
import { type BrokenAdapter, control } from './common.js';
import { foreignCount } from './foreign-count.js';
import { ignoresTtl } from './ignores-ttl.js';
import { keepsOldTtl } from './keeps-old-ttl.js';
import { lostUpdate } from './lost-update.js';
import { plainError, plainErrorRareMethods } from './plain-error.js';
import { prefixGlobDelete } from './prefix-glob-delete.js';
import { replaceOnSave } from './replace-on-save.js';
import { sharedCache } from './shared-cache.js';

export type { BrokenAdapter } from './common.js';

/** The broken adapters; the conformance suite must fail on each. */
export const BROKEN_ADAPTERS: Readonly<Record<string, BrokenAdapter>> = {
  'ignores-ttl': ignoresTtl,
  'keeps-old-ttl': keepsOldTtl,
  'shared-cache': sharedCache,
  'foreign-count': foreignCount,
  'lost-update': lostUpdate,
  'batch-order': batchOrder,
  'prefix-glob-delete': prefixGlobDelete,
  'clear-all': clearAll,
  'replace-on-save': replaceOnSave,
  'plain-error': plainError,
  'plain-error-rare-methods': plainErrorRareMethods,
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
