/**
 * The ms left until an expiry instant (`MainWrite.expiresAt`), at least 1, for a backend that
 * takes a relative TTL (Redis PEXPIRE, Keyv, a SQL `now() + ttl`), where 0 often means "never":
 * an instant already past still expires the context at once. `undefined` for no expiry.
 */
export function ttlLeftMs(expiresAt: number | undefined): number | undefined {
  return expiresAt === undefined ? undefined : Math.max(1, expiresAt - Date.now());
}
