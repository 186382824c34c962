import type { LuaScript } from './connection.js';
import { LOAD_CONTEXT } from './load-context.js';
import { WRITE_CONTEXT } from './write-context.js';

/** Every script of the layout. */
export const SCRIPTS: readonly LuaScript[] = [LOAD_CONTEXT, WRITE_CONTEXT];
