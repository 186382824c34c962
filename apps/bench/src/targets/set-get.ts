import { turnValues } from '../shapes.js';
import { BaselineKeys, type RawCommands } from './raw-commands.js';
import type { TurnTarget } from './target.js';

/**
 * Baseline 3, for the concurrency target: the raw client's plain GET + SET pair per turn, of the
 * payload one turn adds (the JSON of a turn's label, request and response): the least two round
 * trips can cost.
 */
export function setGetTarget(raw: RawCommands, prefix: string): TurnTarget {
  const keys = new BaselineKeys(raw, prefix);
  let payload = '';
  return {
    name: `raw SET+GET (${raw.client})`,
    kind: 'raw-set-get',
    client: raw.client,
    usesRedis: true,
    async seed(ids, shape, turns) {
      payload = JSON.stringify(turnValues(shape, turns + 1));
      for (const id of ids) {
        await raw.set(keys.track(id), payload);
      }
    },
    async turn(id) {
      const key = keys.key(id);
      await raw.get(key);
      await raw.set(key, payload);
    },
    clear: () => keys.clear(),
  };
}
