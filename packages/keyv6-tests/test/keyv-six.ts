import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { connectKeyvRedis } from '../../keyv/src/keyv-storage.js';
import type { KeyvRelease } from '../../keyv/test/stores.js';

// The keyv package's code and test rows are typed with keyv 5, which it resolves; keyv 6's classes
// go through the same methods (what these tests check), and a keyv 6 user's types come from
// keyv 6 itself (the packed-tarball check compiles one).
type Release = Pick<KeyvRelease, 'Keyv' | 'KeyvRedis'>;
const classes = { Keyv, KeyvRedis } as unknown as Release;

/** keyv 6 and @keyv/redis 6, with connect running on them. */
export const keyvSix: KeyvRelease = {
  label: 'keyv 6',
  ...classes,
  connect: (uri, options) => connectKeyvRedis(uri, options ?? {}, async () => classes as never),
};
