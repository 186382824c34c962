import { ConflictError } from '@context-storage/core';
import { MemoryContextStorage, MemoryStore } from '@context-storage/memory';
import { describe, expect, it } from 'vitest';
import { BACKENDS, startDemo, startDemoOn } from './helpers.js';

describe.each(BACKENDS)('the demo over HTTP, on $name', (backend) => {
  it('plays the scripted dialog and remembers what the user said', async () => {
    const demo = await startDemoOn(backend);
    expect((await demo.say('ada', 'hi')).body.reply.node).toBe('ask-name');
    expect((await demo.say('ada', 'Ada')).body.reply.text).toMatch(/Nice to meet you, Ada/);
    const third = await demo.say('ada', 'chess');
    expect(third.body.reply.text).toMatch(/Ada likes chess/);
    expect(third.body.context).toMatchObject({
      version: 3,
      currentTurnId: 3,
      misc: { name: 'Ada', topic: 'chess' },
    });
    expect((await demo.say('ada', 'history')).body.reply.text).toMatch(/#2 you: Ada/);
    const read = await demo.read('ada');
    expect(read.body.context.latestTurns.map((turn: { turnId: number }) => turn.turnId)).toEqual([
      1, 2, 3, 4,
    ]);
    expect((await demo.call('GET', '/api/contexts')).body.count).toBe(1);
    expect((await demo.call('DELETE', '/api/contexts/ada')).body.deleted).toBe(true);
    expect((await demo.read('ada')).status).toBe(404);
    expect((await demo.call('GET', '/api/contexts')).body.count).toBe(0);
  });

  it('restart deletes the stored context: the next message opens a new dialog at turn 1', async () => {
    const demo = await startDemoOn(backend);
    for (const text of ['hi', 'Ada', 'chess'])
      expect((await demo.say('ada', text)).status).toBe(200);
    const before = (await demo.read('ada')).body.context;
    const restart = await demo.say('ada', '  Restart ');
    expect(restart).toMatchObject({
      status: 200,
      body: { reply: { node: 'restart' }, context: null },
    });
    expect((await demo.read('ada')).status).toBe(404);
    // Not taken as a name: the fresh dialog greets first, as on a first visit.
    const first = await demo.say('ada', 'hello');
    expect(first.body.reply).toMatchObject({ node: 'ask-name' });
    expect(first.body.context).toMatchObject({
      version: 1,
      currentTurnId: 1,
      misc: { messages: 1 },
    });
    expect(first.body.context.createdAt).toBeGreaterThanOrEqual(before.createdAt);
    expect(first.body.context.latestTurns.map((turn: { turnId: number }) => turn.turnId)).toEqual([
      1,
    ]);
    expect((await demo.say('ada', 'Bob')).body.reply.text).toMatch(/Nice to meet you, Bob/);
    // restart on a user with no dialog is no error.
    expect((await demo.say('nobody-yet', 'restart')).body).toMatchObject({ context: null });
  });

  it('reads the latest N turns, requests and responses, with ?turns=N', async () => {
    const demo = await startDemoOn(backend);
    for (const text of ['hi', 'Ada', 'chess', 'go']) await demo.say('ada', text);
    const two = (await demo.call('GET', '/api/contexts/ada?turns=2')).body.context;
    expect(two.latestTurns).toEqual([
      expect.objectContaining({ turnId: 3, request: expect.objectContaining({ text: 'chess' }) }),
      expect.objectContaining({ turnId: 4, request: expect.objectContaining({ text: 'go' }) }),
    ]);
    expect(two.latestTurns[0].response.text).toMatch(/Ada likes chess/);
    const all = (await demo.call('GET', '/api/contexts/ada?turns=100&x=%')).body.context;
    expect(all.latestTurns.map((turn: { turnId: number }) => turn.turnId)).toEqual([1, 2, 3, 4]);
    for (const bad of ['0', '101', 'abc', '2.5', '']) {
      expect(await demo.call('GET', `/api/contexts/ada?turns=${bad}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'BAD_QUERY' } },
      });
    }
  });

  it('GET /healthz answers 200 when the storage answers', async () => {
    const demo = await startDemoOn(backend);
    const health = await demo.call('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(health.body.backend).toMatch(/^(memory|redis|postgres|pglite):\/\//);
    expect(health.body.probeMs).toBeLessThan(1_000);
  });

  it('shows the backend with its password redacted and the TTL left', async () => {
    const base = backend.uri();
    const withTtl = `${base}${base.includes('?') ? '&' : '?'}ttlMs=600000`;
    const demo = await startDemoOn({ name: backend.name, uri: () => withTtl });
    const { context } = (await demo.say('ttl', 'hi')).body;
    expect(context.ttlLeftMs).toBeGreaterThan(590_000);
    expect(context.ttlLeftMs).toBeLessThanOrEqual(600_000);
    expect(context.backend).toMatch(/^(memory|redis|postgres|pglite):\/\//);
    expect(context.backend).not.toMatch(/:[^/*][^@/]*@/); // no password shown
  });

  it('refuses bad input with a 4xx and a clear error, and stores nothing', async () => {
    const demo = await startDemoOn(backend);
    expect(await demo.call('POST', '/api/messages', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_JSON' } },
    });
    expect(await demo.call('POST', '/api/messages', { userId: 'a' })).toMatchObject({
      status: 400,
      body: { error: { code: 'MISSING_FIELD' } },
    });
    expect(await demo.call('POST', '/api/messages', { text: 'hi' })).toMatchObject({ status: 400 });
    expect(await demo.call('POST', '/api/messages', { userId: 'a b/c', text: 'hi' })).toMatchObject(
      { status: 400 },
    );
    expect(
      await demo.call('POST', '/api/messages', { userId: 'a', text: 'x'.repeat(2_001) }),
    ).toMatchObject({ status: 413, body: { error: { code: 'TOO_LARGE' } } });
    expect(await demo.call('POST', '/api/messages', 'x'.repeat(20_000))).toMatchObject({
      status: 413,
    });
    expect(await demo.call('GET', '/api/contexts/a%20b')).toMatchObject({ status: 400 });
    expect(await demo.call('GET', '/api/nothing')).toMatchObject({ status: 404 });
    expect((await demo.call('GET', '/api/contexts')).body.count).toBe(0);
  });

  it('eight messages from one user at the same moment lose no turn', async () => {
    const demo = await startDemoOn(backend);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => demo.say('busy', `message ${i}`)),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(200));
    expect((await demo.read('busy')).body.context).toMatchObject({
      version: 8,
      currentTurnId: 8,
      misc: { messages: 8 },
    });
  });
});

describe('the demo over HTTP, on memory:// during an outage', () => {
  it('answers 503 with the error code while the backend is down, and recovers', async () => {
    const store = new MemoryStore();
    const demo = await startDemo(new MemoryContextStorage({ store }));
    await demo.say('u', 'hi');
    store.setAvailable(false);
    expect(await demo.say('u', 'are you there?')).toMatchObject({
      status: 503,
      body: { error: { code: 'CONNECTION' } },
    });
    expect(await demo.read('u')).toMatchObject({ status: 503 });
    expect(await demo.call('GET', '/healthz')).toMatchObject({
      status: 503,
      body: { status: 'degraded', error: { code: 'CONNECTION' } },
    });
    store.setAvailable(true);
    expect(await demo.call('GET', '/healthz')).toMatchObject({ status: 200 });
    expect((await demo.say('u', 'back')).body.context.currentTurnId).toBe(2);
  });
});

describe('restart, for a writer still holding the old dialog', () => {
  it('a save of the old dialog conflicts with the fresh one instead of merging into it', async () => {
    const storage = new MemoryContextStorage();
    const demo = await startDemo(storage);
    await demo.say('u', 'hi');
    await demo.say('u', 'Ada');
    const old = await storage.getItem('u');
    if (old === undefined) throw new Error('no context');
    expect((await demo.say('u', 'restart')).body.context).toBeNull();
    await demo.say('u', 'hello');
    // The fresh dialog is at version 2 again, as the old one was: only its creation time differs.
    expect((await demo.say('u', 'Bob')).body.context).toMatchObject({ version: 2 });
    old.addTurn({ request: { text: 'late', at: 0 } });
    await expect(storage.setItem('u', old)).rejects.toBeInstanceOf(ConflictError);
    expect((await demo.read('u')).body.context).toMatchObject({
      version: 2,
      currentTurnId: 2,
      misc: { name: 'Bob' },
    });
  });
});
