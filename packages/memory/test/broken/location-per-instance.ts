/**
 * DEFECT: the driver's `location` names the driver instance (a random id) instead of the data it
 * works on (store and prefix), so two storages over the same data report different locations.
 * A context loaded through one and saved through the other is taken for a foreign copy: it is
 * saved whole, last writer wins, with no version check.
 *
 * Mirrors: an adapter deriving its identity from the client object (a connection id, an object
 * counter, `client.options` including a per-connection name) rather than from host, database and
 * prefix: with two bot processes, or a storage reopened after a reconnect, stale saves silently
 * overwrite newer ones.
 */
import { randomUUID } from 'node:crypto';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

class LocationPerInstanceDriver extends MemoryDriver {
  // BUG: identifies this driver object, not the store and prefix behind it.
  override readonly location = `memory://client-${randomUUID()}`;
}

export const locationPerInstance: BrokenAdapter = {
  defect: 'location is unique per driver instance instead of naming the store and prefix',
  caughtBy: [
    'a context saved through another storage of the same location keeps its version check',
  ],
  open: (store, prefix, options) =>
    new DriverStorage(new LocationPerInstanceDriver(store, prefix), store, prefix, options),
};
