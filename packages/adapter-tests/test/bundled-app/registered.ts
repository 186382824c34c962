/**
 * A bot bundled into one file that imports its adapter package for its side effect only: the
 * package registers its adapter on import and declares that side effect, so bundlers keep it.
 * Prints what it stored and loaded, as JSON.
 */
import '@context-storage/memory';
import { Context, createContextStorage } from '@context-storage/core';

const storage = await createContextStorage('memory://');
const context = new Context('user-1');
context.addTurn({ request: 'hi' });
await storage.setItem('user-1', context);
console.log(
  JSON.stringify({
    adapter: storage.name,
    request: (await storage.getItem('user-1'))?.requests.get(1),
  }),
);
await storage.close();
