import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `--expose-gc` set at run time, so that `node dist/main.js` needs no flag (the way
// jest-leak-detector gets at gc): a fresh context made after the flag sees the `gc` global.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Runs a full garbage collection, untimed, between preparing a measurement and taking it: the
 * garbage of seeding (tens of MB for a 10,000-turn dialog) would otherwise be collected during
 * the samples of whatever comes next. A few ms to a few tens of ms.
 */
export function settle(): void {
  gc();
}
