import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import type { KeyvRelease } from './stores.js';

/** keyv 5 and @keyv/redis 5, the versions this package resolves; @keyv/redis through the URI. */
export const keyvFive: KeyvRelease = { label: 'keyv 5', Keyv, KeyvRedis };
