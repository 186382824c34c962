import type { DBContextStorage } from '@context-storage/core';
import { MemoryContextStorage } from '@context-storage/memory';
import { describe, expect, it } from 'vitest';
import { type FuzzCase, fuzzCases } from './fuzz-cases.js';
import { type DemoClient, spawnDemo, startDemo } from './helpers.js';
import { type RawExchange, rawExchange } from './raw-client.js';

const SEED = 0x5eed_0011;
/** Requests sent at once: enough to overlap the slow cases, few enough for a 2-core machine. */
const CONCURRENCY = 8;

/** Why `seen` is not an acceptable answer to `fuzzCase`, or undefined when it is. */
function problemWith(fuzzCase: FuzzCase, seen: RawExchange): string | undefined {
  const { answer } = seen;
  if (answer === undefined) {
    return fuzzCase.statuses.length === 0 ? undefined : `no answer (${seen.error ?? 'closed'})`;
  }
  const { status, headers, body } = answer;
  // Requests Node's parser refuses (garbage methods, bad headers, cut bodies, timeouts) never reach
  // the request handler: the server's 'clientError' listener answers them, in the same JSON shape
  // (without it Node writes a bare "400 Bad Request" with no body).
  if (status < 400 || status > 499) return `status ${status}`;
  if (fuzzCase.statuses.length > 0 && !fuzzCase.statuses.includes(status)) {
    return `status ${status}, expected one of ${fuzzCase.statuses.join(', ')}`;
  }
  if (!/^application\/json/.test(headers['content-type'] ?? '')) {
    return `status ${status} with content-type ${headers['content-type']}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} with a body that is not JSON: ${body.slice(0, 80)}`;
  }
  const error = (parsed as { error?: Record<string, unknown> }).error;
  const shaped =
    Object.keys(parsed as object).join() === 'error' &&
    error !== undefined &&
    Object.keys(error).sort().join() === 'code,message' &&
    typeof error.code === 'string' &&
    typeof error.message === 'string';
  return shaped
    ? undefined
    : `status ${status} with a body not shaped { error }: ${body.slice(0, 120)}`;
}

/** Sends every case to `base`, a few at a time, and lists the unacceptable answers. */
async function fuzz(base: string, cases: FuzzCase[]): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let fuzzCase = cases[next++]; fuzzCase !== undefined; fuzzCase = cases[next++]) {
      const seen = await rawExchange(base, fuzzCase.parts, fuzzCase.options);
      const problem = problemWith(fuzzCase, seen);
      if (problem !== undefined) problems.push(`${fuzzCase.name}: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return problems;
}

/** Plays a few dialogs, so the fuzz has stored contexts to leave alone. */
async function playDialogs(demo: DemoClient): Promise<string[]> {
  const dialogs: [string, string[]][] = [
    ['ada', ['hi', 'Ada', 'chess', 'history']],
    ['bob.smith@example.org', ['hello', 'Bob']],
    ['c:3', ['hey']],
  ];
  for (const [userId, texts] of dialogs) {
    for (const text of texts) expect((await demo.say(userId, text)).status).toBe(200);
  }
  return dialogs.map(([userId]) => userId);
}

/** Every stored context, whole (every turn), as JSON: compared byte for byte. */
async function storedContexts(storage: DBContextStorage): Promise<string[]> {
  const stored: string[] = [];
  for await (const id of storage.ids()) {
    stored.push(JSON.stringify((await storage.getItem(id, { latest: 'all' }))?.toJSON()));
  }
  return stored.sort();
}

describe('the demo under a fuzz of bad requests', () => {
  it('draws the same requests from the same seed', () => {
    const names = (seed: number) => fuzzCases(seed, 70).map((fuzzCase) => fuzzCase.name);
    expect(names(SEED)).toEqual(names(SEED));
    expect(names(SEED)).not.toEqual(names(SEED + 1));
  });

  it('answers 350 bad requests with a 4xx JSON error, stays up and leaves stored dialogs alone', async () => {
    const storage = new MemoryContextStorage();
    // Short bounds, so the requests that stop halfway meet the request timeout within a second.
    const demo = await startDemo(storage, 'memory://', {
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
    });
    await playDialogs(demo);
    const before = await storedContexts(storage);
    expect(before).toHaveLength(3);

    expect(await fuzz(demo.base, fuzzCases(SEED, 350))).toEqual([]);

    expect(await storedContexts(storage)).toEqual(before);
    expect((await demo.say('after-fuzz', 'hi')).status).toBe(200);
    expect((await demo.read('ada')).body.context).toMatchObject({ version: 4, currentTurnId: 4 });
  });

  it('leaves the demo process up and its dialogs unchanged', async () => {
    const demo = await spawnDemo('memory://');
    const ids = await playDialogs(demo);
    const read = () => Promise.all(ids.map((id) => demo.read(id)));
    const before = await read();
    // The process keeps its default 30 s request timeout: skip the requests that would wait for it.
    const cases = fuzzCases(SEED + 1, 140).filter((fuzzCase) => !fuzzCase.statuses.includes(408));

    expect(await fuzz(demo.base, cases)).toEqual([]);

    expect(demo.child.exitCode).toBeNull();
    expect(await read()).toEqual(before);
    expect((await demo.call('GET', '/api/contexts')).body.count).toBe(3);
    expect((await demo.say('after-fuzz', 'hi')).status).toBe(200);
  });
});
