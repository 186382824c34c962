/**
 * A bot bundled into one file: it imports its adapter and passes it to createContextStorage, the
 * form that needs no package at run time. Prints what it stored and loaded, as JSON.
 */
import { Context, type ContextStorageAdapter, createContextStorage } from '@context-storage/core';
import { contextStorageAdapter as memory } from '@context-storage/memory';

interface Bot {
  misc: { visits: number };
  request: { text: string };
}

// Importing the package also registers its adapter; counting calls shows that the one passed
// in is the one used.
let created = 0;
const passed: ContextStorageAdapter = {
  ...memory,
  create: (uri, options) => {
    created += 1;
    return memory.create(uri, options);
  },
};
const storage = await createContextStorage<Bot>('memory://?prefix=bundled', { adapters: [passed] });
const context = new Context<Bot>('user-1', { misc: { visits: 1 } });
context.addTurn({ request: { text: 'hi' } });
await storage.setItem('user-1', context);
const loaded = await storage.getItem('user-1');
console.log(
  JSON.stringify({
    adapter: storage.name,
    createdByPassedAdapter: created,
    location: storage.location,
    request: loaded?.requests.get(1),
    visits: loaded?.misc.visits,
  }),
);
await storage.close();
