import type { AddressInfo } from 'node:net';
import { createContextStorage, type DBContextStorage } from '@context-storage/core';
import { MemoryContextStorage, MemoryStore } from '@context-storage/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoServer } from '../src/server.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

async function startDemo(storage: DBContextStorage, uri = 'memory://') {
  const server = createDemoServer(storage, uri);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  opened.push(storage);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  return {
    base,
    call,
    say: (userId: string, text: string) => call('POST', '/api/messages', { userId, text }),
  };
}

describe('the demo over HTTP, on memory://', () => {
  it('plays the scripted dialog and remembers what the user said', async () => {
    const demo = await startDemo(await createContextStorage('memory://'));
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
    const read = await demo.call('GET', '/api/contexts/ada');
    expect(read.body.context.latestTurns.map((turn: { turnId: number }) => turn.turnId)).toEqual(
      [0, 1, 2, 3, 4].slice(1),
    );
    expect((await demo.call('GET', '/api/contexts')).body.count).toBe(1);
    expect((await demo.call('DELETE', '/api/contexts/ada')).body.deleted).toBe(true);
    expect((await demo.call('GET', '/api/contexts/ada')).status).toBe(404);
  });

  it('serves the chat page', async () => {
    const demo = await startDemo(new MemoryContextStorage());
    const page = await fetch(`${demo.base}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Stored context');
  });

  it('refuses bad input with a 4xx and a clear error', async () => {
    const demo = await startDemo(new MemoryContextStorage());
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
    ).toMatchObject({ status: 413 });
    expect(await demo.call('POST', '/api/messages', 'x'.repeat(20_000))).toMatchObject({
      status: 413,
    });
    expect(await demo.call('GET', '/api/nothing')).toMatchObject({ status: 404 });
  });

  it('two messages from one user at the same moment lose no turn', async () => {
    const demo = await startDemo(new MemoryContextStorage());
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => demo.say('busy', `message ${i}`)),
    );
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    const read = await demo.call('GET', '/api/contexts/busy');
    expect(read.body.context).toMatchObject({
      version: 8,
      currentTurnId: 8,
      misc: { messages: 8 },
    });
  });

  it('answers 503 with the error code while the backend is down, and recovers', async () => {
    const store = new MemoryStore();
    const demo = await startDemo(new MemoryContextStorage({ store }));
    await demo.say('u', 'hi');
    store.setAvailable(false);
    expect(await demo.say('u', 'are you there?')).toMatchObject({
      status: 503,
      body: { error: { code: 'CONNECTION' } },
    });
    store.setAvailable(true);
    expect((await demo.say('u', 'back')).body.context.currentTurnId).toBe(2);
  });
});
