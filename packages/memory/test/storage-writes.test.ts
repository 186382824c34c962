import {
  ConnectionError,
  Context,
  DBContextStorage,
  UnsupportedOperationError,
} from '@context-storage/core';
import type { ContextStorageDriver, ContextWrite } from '@context-storage/core/adapter';
import { dialog } from '@context-storage/core/conformance';
import { describe, expect, it } from 'vitest';
import { MemoryContextStorage, MemoryDriver, MemoryStore } from '../src/index.js';
import { recordingDriver } from './recording-driver.js';

function recorded(capabilities?: ContextStorageDriver['capabilities']) {
  const { driver, log } = recordingDriver(new MemoryDriver(new MemoryStore(), 'p'), capabilities);
  return { storage: new DBContextStorage(driver), log };
}

const onlyWrite = (writes: ContextWrite[][]): ContextWrite => {
  expect(writes).toHaveLength(1);
  expect(writes[0]).toHaveLength(1);
  return writes[0]![0]!;
};

describe('round trips', () => {
  it('batch methods cost one driver call whatever the number of ids', async () => {
    const { storage, log } = recorded();
    const ids = Array.from({ length: 50 }, (_, i) => `id${i}`);
    await storage.setItems(ids.map((id) => [id, dialog(id, 3)] as const));
    await storage.getItems(ids);
    await storage.delItems(ids);
    expect(log.calls).toEqual(['write', 'load', 'delete']);
  });

  it('a load and a save cost one call each at turn 10 and at turn 2,000', async () => {
    const { storage, log } = recorded();
    for (const turns of [10, 2_000]) {
      await storage.setItem(`t${turns}`, dialog(`t${turns}`, turns));
      log.calls.length = 0;
      const context = await storage.getItem(`t${turns}`);
      context!.addTurn({ request: 'next' });
      await storage.setItem(`t${turns}`, context!);
      expect(log.calls).toEqual(['load', 'write']);
    }
  });
});

describe('what a save sends', () => {
  it('a partial save sends only new and changed items, and misc only when changed', async () => {
    const { storage, log } = recorded();
    await storage.setItem('a', dialog('a', 100, { step: 1 }));
    const context = (await storage.getItem('a'))!;
    log.writes.length = 0;
    context.addTurn({ request: 'r101', label: 'l101' });
    context.responses.set(100, 'edited');
    context.requests.delete(40);
    await storage.setItem('a', context);
    const write = onlyWrite(log.writes);
    expect(write.expectedVersion).toBe(1);
    expect(write.replace).toBe(false);
    expect(write.main.misc).toBeUndefined();
    expect(write.main.frameworkData).toBeUndefined();
    expect(write.main.currentTurnId).toBe(101);
    expect(write.set.map(({ field, turnId }) => `${field}[${turnId}]`).sort()).toEqual([
      'labels[101]',
      'requests[101]',
      'responses[100]',
    ]);
    expect(write.delete).toEqual([{ field: 'requests', turnId: 40 }]);

    log.writes.length = 0;
    context.misc.step = 2;
    await storage.setItem('a', context);
    const second = onlyWrite(log.writes);
    expect(second.set).toEqual([]);
    expect(second.main.misc).toBe('{"step":2}');
  });

  it('re-encodes only the objects handed out or in, and sends those mutated in place', async () => {
    const { storage, log } = recorded();
    const start = new Context('m');
    const mine = { text: 'set by me' };
    start.addTurn({ request: { text: 'one' }, response: mine });
    start.addTurn({ request: { text: 'two' }, response: { text: 'untouched' } });
    await storage.setItem('m', start);
    // The caller kept `mine`: mutating it after the save is a change of the saved context.
    mine.text = 'mutated after save';
    const sent = async (context: Context) => {
      log.writes.length = 0;
      await storage.setItem('m', context);
      return onlyWrite(log.writes).set.map((item) => `${item.field}[${item.turnId}]`);
    };
    expect(await sent(start)).toEqual(['responses[1]']);

    const loaded = (await storage.getItem('m', { latest: 'all' }))!;
    // Nothing read, nothing mutated: nothing but the main info is sent.
    expect(await sent(loaded)).toEqual([]);
    (loaded.latestTurns(1)[0]!.request as { text: string }).text = 'via latestTurns';
    (loaded.responses.entries()[0]![1] as { text: string }).text = 'via entries';
    (loaded.requests.latest(2)[0]![1] as { text: string }).text = 'via latest';
    expect((await sent(loaded)).sort()).toEqual(['requests[1]', 'requests[2]', 'responses[1]']);
    // Still lent: the caller may hold them; re-encoded, equal to what was saved, not sent.
    expect(await sent(loaded)).toEqual([]);
    const stored = (await storage.getItem('m', { latest: 'all' }))!;
    expect(stored.latestTurns(2)).toEqual([
      { turnId: 1, request: { text: 'via latest' }, response: { text: 'via entries' } },
      { turnId: 2, request: { text: 'via latestTurns' }, response: { text: 'untouched' } },
    ]);
  });

  it('a new context is a whole overwrite, last writer wins; update creates with version 0', async () => {
    const { storage, log } = recorded();
    await storage.setItem('n', dialog('n', 2));
    expect(onlyWrite(log.writes)).toMatchObject({ replace: true });
    expect(onlyWrite(log.writes).expectedVersion).toBeUndefined();
    log.writes.length = 0;
    await storage.update('fresh', (context) => void context.addTurn({ request: 'x' }));
    expect(onlyWrite(log.writes)).toMatchObject({ replace: true, expectedVersion: 0 });
  });

  it('copying a partially loaded context to another storage copies every turn', async () => {
    const source = new MemoryContextStorage();
    const target = new MemoryContextStorage();
    await source.setItem('c', dialog('c', 30));
    const context = (await source.getItem('c', { latest: 1 }))!;
    await target.setItem('c', context);
    const copied = (await target.getItem('c', { latest: 'all' }))!;
    expect(copied.requests.keys()).toHaveLength(30);
    // The context now lives in the target: the next save goes there, incrementally.
    context.addTurn({ request: 'after copy' });
    await target.setItem('c', context);
    expect((await target.getItem('c'))!.requests.get(31)).toBe('after copy');
    expect((await source.getItem('c'))!.currentTurnId).toBe(30);
  });

  it('a copy under another id leaves the source context bound to its own id', async () => {
    const storage = new MemoryContextStorage();
    await storage.setItem('src', dialog('src', 5));
    const context = (await storage.getItem('src', { latest: 1 }))!;
    await storage.setItem('dst', context);
    expect((await storage.getItem('dst', { latest: 'all' }))!.requests.size).toBe(5);
    context.addTurn({ request: 'six' });
    await storage.setItem('src', context);
    expect(context.version).toBe(2);
    expect((await storage.getItem('dst'))!.currentTurnId).toBe(5);
  });
});

describe('backends without cross-instance compare-and-set', () => {
  /** A driver whose version check and write are two steps with a gap between them. */
  function racyDriver(crossInstanceCompareAndSet: boolean): ContextStorageDriver {
    const inner = new MemoryDriver(new MemoryStore(), 'racy');
    return {
      ...recordingDriver(inner).driver,
      capabilities: { ...inner.capabilities, crossInstanceCompareAndSet },
      write: async (writes) => {
        const current = await inner.load(
          writes.map((w) => w.id),
          { labels: 0, requests: 0, responses: 0 },
        );
        await new Promise((resolve) => setTimeout(resolve, 1));
        return inner.write(
          writes.map((write, i) => {
            if (write.expectedVersion === undefined) return write;
            const { expectedVersion, ...unchecked } = write;
            // Checked here, then written after a gap: not atomic.
            return expectedVersion === (current[i]?.main.version ?? 0)
              ? unchecked
              : { ...write, expectedVersion: -1 };
          }),
        );
      },
    };
  }

  async function lostTurns(driver: ContextStorageDriver): Promise<number> {
    const storage = new DBContextStorage(driver);
    await storage.setItem('x', new Context('x'));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        storage.update('x', (context) => void context.addTurn({ request: i })),
      ),
    );
    const context = await storage.getItem('x', { latest: 'all' });
    return 10 - context!.requests.size;
  }

  it('the storage serializes version-checked writes per id, so one instance loses nothing', async () => {
    expect(await lostTurns(racyDriver(false))).toBe(0);
  });

  it('(control) the same racy driver declared atomic does lose turns', async () => {
    expect(await lostTurns(racyDriver(true))).toBeGreaterThan(0);
  });
});

describe('what the user sees of driver failures', () => {
  it('a driver failure that is not a ContextStorageError arrives as a ConnectionError', async () => {
    const inner = new MemoryDriver(new MemoryStore(), 'plain');
    const bug = new TypeError('client exploded');
    const storage = new DBContextStorage({
      ...recordingDriver(inner).driver,
      load: async () => {
        throw bug;
      },
    });
    const error = await storage.getItem('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).cause).toBe(bug);
    await expect(
      storage.update('x', () => {
        throw new RangeError('mine');
      }),
    ).rejects.toBeInstanceOf(ConnectionError); // the load fails first
  });

  it('an error thrown by the change given to update() reaches the caller as it is', async () => {
    const storage = new MemoryContextStorage();
    const mine = new RangeError('mine');
    await expect(
      storage.update('x', () => {
        throw mine;
      }),
    ).rejects.toBe(mine);
  });

  it('a TTL on a backend without expiry is refused, not silently ignored', async () => {
    const inner = new MemoryDriver(new MemoryStore(), 'no-ttl');
    const driver = {
      ...recordingDriver(inner).driver,
      capabilities: { ...inner.capabilities, ttl: false },
    };
    expect(() => new DBContextStorage(driver, { ttlMs: 1000 })).toThrow(UnsupportedOperationError);
    const storage = new DBContextStorage(driver);
    await expect(storage.setItem('x', new Context('x'), { ttlMs: 1000 })).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
    await storage.setItem('x', new Context('x'));
  });
});
