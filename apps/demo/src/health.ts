import type { DBContextStorage } from '@context-storage/core';
import { isContextStorageError } from '@context-storage/core';

/** Longest wait for the storage's answer to a health probe, in ms. */
export const HEALTH_PROBE_MS = 1_000;
/** The id the probe asks about: `contains` only reads, so a real user of that id loses nothing. */
const PROBE_ID = 'healthz';

/** What `GET /healthz` answers. */
export interface Health {
  /** `ok`: the storage answered the probe; `degraded`: it did not (the process still serves). */
  status: 'ok' | 'degraded';
  /** The storage URI with its password redacted. */
  backend: string;
  /** Time the probe took, in ms. */
  probeMs: number;
  /** Why the storage did not answer: the storage error's code, or `TIMEOUT` past the bound. */
  error?: { code: string; message: string };
}

/**
 * Asks the storage one cheap question (`contains`, one round trip that reads one key or row) and
 * says whether it answered within {@link HEALTH_PROBE_MS}. Never throws: a failure is the answer.
 */
export async function probeHealth(storage: DBContextStorage, backend: string): Promise<Health> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), HEALTH_PROBE_MS);
  });
  try {
    const outcome = await Promise.race([storage.contains(PROBE_ID), deadline]);
    const probeMs = Math.round(performance.now() - started);
    if (outcome === 'timeout') {
      const message = `the storage did not answer within ${HEALTH_PROBE_MS} ms`;
      return { status: 'degraded', backend, probeMs, error: { code: 'TIMEOUT', message } };
    }
    return { status: 'ok', backend, probeMs };
  } catch (error) {
    const probeMs = Math.round(performance.now() - started);
    const code = isContextStorageError(error) ? error.code : 'INTERNAL';
    const message = isContextStorageError(error) ? error.message : 'unexpected error';
    return { status: 'degraded', backend, probeMs, error: { code, message } };
  } finally {
    clearTimeout(timer);
  }
}
