/**
 * DEFECT: deleting an id deletes every key matching the glob `<id>*`: deleting "1" also deletes
 * "10" and "1:0", and an id holding glob characters ("a*", "a?c") matches yet more ids.
 *
 * Mirrors: Chatsky's Redis context storage, which deleted a context with `KEYS`/`SCAN MATCH`
 * on `<prefix>:<id>*` (meant to catch the context's sub-keys) followed by `DEL` of every match.
 */
import { type BrokenAdapter, DriverStorage, OpenMemoryDriver } from './common.js';

/** Redis-style glob (`*`, `?`) to a regular expression; everything else matches itself. */
function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, 's');
}

class PrefixGlobDeleteDriver extends OpenMemoryDriver {
  override async delete(ids: readonly string[]): Promise<number> {
    const keys = [...this.store.namespace(this.prefix).keys()];
    // BUG: `SCAN MATCH <id>*` then `DEL` of every key found.
    const patterns = ids.map((id) => globToRegExp(`${id}*`));
    return super.delete(keys.filter((key) => patterns.some((pattern) => pattern.test(key))));
  }
}

export const prefixGlobDelete: BrokenAdapter = {
  defect: 'delete removes every id matching the glob <id>* (Chatsky Redis bug)',
  caughtBy: ['ids sharing a prefix never touch each other', 'a glob id does not match other ids'],
  says: ["after delItem('1'), contains('10') is still true", "after delItem('a*'), delItem('a?c')"],
  open: (store, prefix, options) =>
    new DriverStorage(new PrefixGlobDeleteDriver(store, prefix), store, prefix, options),
};
