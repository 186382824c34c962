/**
 * Two copies of core in one process, as npm lays them out when an application and an adapter ask
 * for different versions: the source (copy 1, what these tests import) and the built dist
 * (copy 2, its own module graph with its own classes). A context of one copy must save into a
 * storage of the other and load back.
 */
import { describe, expect, it } from 'vitest';
import * as copy1 from '../src/index.js';
import { MapDriver } from './map-driver.js';

type Core = typeof import('../src/index.js');
// A computed URL, so that type checking does not need a build: the types are the source's.
const DIST = new URL('../dist/index.mjs', import.meta.url).href;
const copy2 = (await import(/* @vite-ignore */ DIST)) as Core;

describe('a context made by another copy of core', () => {
  it('comes from a copy whose classes differ from this one', () => {
    expect(copy2.Context).not.toBe(copy1.Context);
    expect(new copy2.Context('a')).not.toBeInstanceOf(copy1.Context);
  });

  it('is recognised by isContext of either copy, and anything else is not', () => {
    expect(copy1.isContext(new copy2.Context('a'))).toBe(true);
    expect(copy2.isContext(new copy1.Context('a'))).toBe(true);
    for (const value of [null, undefined, 'a', {}, { id: 'a', misc: {} }, [], copy1.Context]) {
      expect(copy1.isContext(value), `isContext(${String(value)})`).toBe(false);
    }
  });

  it('saves into a storage of this copy, incrementally afterwards, and loads back', async () => {
    const driver = new MapDriver();
    const storage = new copy1.DBContextStorage(driver);
    const foreign = new copy2.Context('a', { misc: { name: 'Ada' } });
    foreign.addTurn({ request: 'hi', response: 'hello', label: 'start' });
    await storage.setItem('a', foreign);
    expect(foreign.version, 'the save committed into the foreign context').toBe(1);

    foreign.addTurn({ request: 'again' });
    await storage.setItem('a', foreign);
    expect(foreign.version).toBe(2);
    const write = driver.contexts.get('a')!;
    expect([...write.items.requests.keys()]).toEqual([1, 2]);

    const loaded = await storage.getItem('a');
    expect(loaded).toBeInstanceOf(copy1.Context);
    expect(loaded?.toJSON()).toMatchObject({
      version: 2,
      currentTurnId: 2,
      misc: { name: 'Ada' },
      requests: { 1: 'hi', 2: 'again' },
      responses: { 1: 'hello' },
      labels: { 1: 'start' },
    });
  });

  it('keeps its version check: a stale foreign context is refused', async () => {
    const storage = new copy1.DBContextStorage(new MapDriver());
    await storage.setItem('a', new copy1.Context('a'));
    const loadedByCopy2 = await new copy2.DBContextStorage(new MapDriver()).getItem('a');
    expect(loadedByCopy2).toBeUndefined();

    const shared = new MapDriver();
    const first = new copy1.DBContextStorage(shared);
    const second = new copy2.DBContextStorage(shared);
    await first.setItem('b', new copy1.Context('b'));
    const stale = (await second.getItem('b'))!;
    const fresh = (await second.getItem('b'))!;
    fresh.misc.n = 1;
    await first.setItem('b', fresh);
    stale.misc.n = 2;
    await expect(first.setItem('b', stale)).rejects.toBeInstanceOf(copy1.ConflictError);
    expect((await first.getItem('b'))?.misc).toEqual({ n: 1 });
  });

  it('round-trips a context of this copy through a storage of the other', async () => {
    const shared = new MapDriver();
    const other = new copy2.DBContextStorage(shared, { latest: 1 });
    const context = new copy1.Context('c');
    for (const text of ['one', 'two', 'three']) context.addTurn({ request: text });
    await other.setItem('c', context);
    const back = (await new copy1.DBContextStorage(shared, { latest: 1 }).getItem('c'))!;
    expect(back.requests.keys()).toEqual([3]);
    expect(await back.requests.fetch(1), 'a lazy load of an older turn').toBe('one');
    // The context of copy 1 is bound to copy 2's storage: its lazy loads go there.
    const loaded = (await other.getItem('c'))!;
    expect(await loaded.fetchTurns([1, 2])).toEqual([
      { turnId: 1, request: 'one' },
      { turnId: 2, request: 'two' },
    ]);
    await other.update('c', (ctx) => {
      ctx.addTurn({ request: 'four' });
    });
    expect([...(await back.requests.fetchAll()).values()]).toEqual(['one', 'two', 'three', 'four']);
    expect((await new copy1.DBContextStorage(shared).getItem('c'))?.currentTurnId).toBe(4);
  });

  it('saves one context object through storages of both copies one after the other', async () => {
    // A slow backend, so that the second save starts while the first is in flight: prepared
    // then, it would carry the version the first is about to replace and conflict with itself.
    class SlowDriver extends MapDriver {
      override async write(writes: Parameters<MapDriver['write']>[0]) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return super.write(writes);
      }
    }
    const shared = new SlowDriver();
    const [first, second] = [
      new copy1.DBContextStorage(shared),
      new copy2.DBContextStorage(shared),
    ];
    const context = new copy1.Context('d');
    await first.setItem('d', context);
    context.addTurn({ request: 'one' });
    const saving = first.setItem('d', context);
    context.addTurn({ request: 'two' });
    await Promise.all([saving, second.setItem('d', context)]);
    expect(context.version, 'both saves applied, neither conflicted').toBe(3);
    expect((await first.getItem('d'))?.requests.keys()).toEqual([1, 2]);
  });

  it('refuses, naming the reason, a value that is not a context and an incompatible copy', async () => {
    const storage = new copy1.DBContextStorage(new MapDriver());
    const lookalike = { id: 'a', misc: {}, currentTurnId: 0 } as unknown as copy1.Context;
    await expect(storage.setItem('a', lookalike)).rejects.toThrow(/expects a Context/);
    // What a future copy of core with another internal layout would hand over.
    const future = Object.defineProperty({ id: 'a' }, Symbol.for('context-storage.Context'), {
      value: { layout: 99 },
    }) as unknown as copy1.Context;
    expect(copy1.isContext(future)).toBe(true);
    await expect(storage.setItem('a', future)).rejects.toThrow(
      /internal layout 99, this copy reads layout 1/,
    );
  });
});
