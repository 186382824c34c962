import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { KeyvContextStorage } from '../src/index.js';
import type { KeyvRelease } from './stores.js';

/** keyv 5 and @keyv/redis 5, the versions this package resolves (connect imports them). */
export const keyvFive: KeyvRelease = {
  label: 'keyv 5',
  Keyv,
  KeyvRedis,
  connect: (uri, options) => KeyvContextStorage.connect(uri, options),
};
