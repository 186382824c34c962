/**
 * What a bot author writes with typed contexts: each `expectType` line holds only if inference
 * gives exactly that type, and each `@ts-expect-error` line must fail to compile (tsc reports an
 * unused directive otherwise). Checked by test/type-fixtures.test.ts.
 */
import type { ContextStorageDriver } from '../src/adapter/index.js';
import {
  Context,
  type ContextSnapshot,
  createContextStorage,
  DBContextStorage,
  isContext,
  type Turn,
} from '../src/index.js';
import { type Equal, expectType } from './type-assert.js';

interface Bot {
  misc: { name?: string; visits: number };
  request: { text: string };
  response: { text: string; buttons?: string[] };
  label: 'start' | 'greet' | 'ask-name';
}

declare const driver: ContextStorageDriver;

export async function typedStorage(): Promise<void> {
  const storage = await createContextStorage<Bot>('memory://');
  expectType<Equal<typeof storage, DBContextStorage<Bot>>>(true);

  const context = await storage.getItem('user-1');
  expectType<Equal<typeof context, Context<Bot> | undefined>>(true);
  if (context === undefined) return;
  expectType<Equal<typeof context.misc, { name?: string; visits: number }>>(true);
  expectType<Equal<ReturnType<typeof context.requests.get>, { text: string } | undefined>>(true);
  expectType<Equal<ReturnType<typeof context.labels.get>, Bot['label'] | undefined>>(true);
  expectType<
    Equal<Awaited<ReturnType<typeof context.responses.fetch>>, Bot['response'] | undefined>
  >(true);
  expectType<Equal<ReturnType<typeof context.latestTurns>, Turn<Bot>[]>>(true);
  const [turn] = context.latestTurns(1);
  expectType<Equal<NonNullable<typeof turn>['request'], { text: string } | undefined>>(true);
  expectType<Equal<ReturnType<typeof context.toJSON>, ContextSnapshot<Bot>>>(true);

  context.misc.visits += 1;
  context.addTurn({ request: { text: 'hi' }, label: 'greet', response: { text: 'hello' } });
  context.requests.set(2, { text: 'again' });
  await storage.setItem('user-1', context);
  await storage.setItems([['user-2', new Context<Bot>('user-2', { misc: { visits: 0 } })]]);

  // @ts-expect-error a request of this bot is an object with text, not a string
  context.requests.set(3, 'again');
  // @ts-expect-error visits is a number
  context.misc.visits = 'many';
  // @ts-expect-error not a label of this bot
  context.addTurn({ label: 'goodbye' });
  // @ts-expect-error a response needs its text
  context.responses.set(3, { buttons: [] });

  const items = await storage.getItems(['a', 'b']);
  expectType<Equal<typeof items, (Context<Bot> | undefined)[]>>(true);

  const updated = await storage.update('user-1', (ctx) => {
    expectType<Equal<typeof ctx, Context<Bot>>>(true);
    ctx.misc.name = 'Ada';
    // @ts-expect-error name is a string
    ctx.misc.name = 1;
  });
  expectType<Equal<typeof updated, Context<Bot>>>(true);

  const turns = await updated.fetchTurns([1, 2]);
  expectType<Equal<typeof turns, Turn<Bot>[]>>(true);

  // A typed storage goes where any storage is expected (a migration, the conformance suite).
  const anyStorage: DBContextStorage = storage;
  await anyStorage.len();
}

export function construction(): void {
  // @ts-expect-error this bot's misc has a required key, so a new context needs its misc
  new Context<Bot>('user-1');
  // @ts-expect-error the misc given must be this bot's
  new Context<Bot>('user-1', { misc: { visits: 'none' } });
  const fresh = new Context<Bot>('user-1', { misc: { visits: 0 } });
  expectType<Equal<typeof fresh.misc.visits, number>>(true);

  // A misc whose keys are all optional may be left out.
  const optional = new Context<{ misc: { name?: string } }>('user-1');
  expectType<Equal<typeof optional.misc, { name?: string }>>(true);
}

export async function otherBotsDoNotMix(): Promise<void> {
  const storage = new DBContextStorage<Bot>(driver);
  const other = new Context<{ misc: { score: number }; request: number }>('x', {
    misc: { score: 1 },
  });
  // @ts-expect-error a context of another bot does not go into this bot's storage
  await storage.setItem('x', other);
  // @ts-expect-error nor does an untyped one, whose misc could hold anything
  await storage.setItem('x', new Context('x'));
}

export async function partialDeclarations(): Promise<void> {
  // Only what is declared is typed; the rest keeps the untyped defaults.
  const context = new Context<{ request: string }>('a');
  expectType<Equal<typeof context.misc, Record<string, unknown>>>(true);
  expectType<Equal<ReturnType<typeof context.requests.get>, string | undefined>>(true);
  expectType<Equal<ReturnType<typeof context.responses.get>, unknown>>(true);

  interface Misc {
    theme: 'dark' | 'light';
  }
  const withInterface = new Context<{ misc: Misc }>('a', { misc: { theme: 'dark' } });
  expectType<Equal<typeof withInterface.misc, Misc>>(true);
}

export async function untypedAsBefore(): Promise<void> {
  const storage = await createContextStorage('memory://');
  expectType<Equal<typeof storage, DBContextStorage>>(true);
  const context = (await storage.getItem('a')) ?? new Context('a');
  expectType<Equal<typeof context.misc, Record<string, unknown>>>(true);
  expectType<Equal<ReturnType<typeof context.requests.get>, unknown>>(true);
  context.requests.set(1, 'anything');
  context.requests.set(2, { or: ['else'] });
  context.misc.anything = 1;
  await storage.setItem('a', context);

  const value: unknown = context;
  if (isContext(value)) expectType<Equal<typeof value, Context>>(true);
}
