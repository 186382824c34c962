/**
 * Every adapter offers the same surface: the common options, by URI and in code, mean the same
 * thing everywhere, what the code says beats what the URI says, the prefix really isolates, and a
 * client passed in is closed only when asked.
 */
import { readdir, readFile } from 'node:fs/promises';
import {
  ConnectionError,
  Context,
  createContextStorage,
  type DBContextStorage,
  devalueCodec,
} from '@context-storage/core';
import { randomId } from '@context-storage/core/conformance';
import { describe, expect, it } from 'vitest';
import { type AdapterRow, type PrefixedStorage, ROWS, withQuery } from './rows.js';

const COMMON_QUERY = 'ttlMs=60000&latest=5&latestRequests=all&codec=devalue&updateRetries=3';

/** What the common options above must give, whichever way they were passed. */
function expectCommonOptions(storage: PrefixedStorage, prefix: string): void {
  expect(storage.prefix, 'the storage reports the prefix it was given').toBe(prefix);
  expect(storage.location.endsWith(`#${encodeURIComponent(prefix)}`)).toBe(true);
  expect(storage.ttlMs).toBe(60_000);
  expect(storage.latest).toEqual({ labels: 5, requests: 'all', responses: 5 });
  expect(storage.codec.name).toBe('devalue');
  expect(storage.updateRetries).toBe(3);
}

async function using<T>(storages: DBContextStorage[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await Promise.all(storages.map((storage) => storage.close()));
  }
}

for (const row of ROWS) {
  describe(`the ${row.name} adapter's common surface`, () => {
    it('takes the common options from the URI', async () => {
      const prefix = randomId('uri');
      const storage = await row.connect(withQuery(row, `prefix=${prefix}&${COMMON_QUERY}`));
      await using([storage], async () => expectCommonOptions(storage, prefix));
    });

    it('takes the same options in code', async () => {
      const prefix = randomId('code');
      const storage = await row.connect(row.base, {
        prefix,
        ttlMs: 60_000,
        latest: { labels: 5, requests: 'all', responses: 5 },
        codec: devalueCodec,
        updateRetries: 3,
      });
      await using([storage], async () => expectCommonOptions(storage, prefix));
    });

    it("lets the code's options win over the URI's, except undefined ones", async () => {
      const storage = await row.connect(
        withQuery(row, 'prefix=from-uri&ttlMs=1000&updateRetries=1&latest=2'),
        { prefix: 'from-code', ttlMs: 2_000, updateRetries: 2, latest: undefined },
      );
      await using([storage], async () => {
        expect(storage.prefix).toBe('from-code');
        expect(storage.ttlMs).toBe(2_000);
        expect(storage.updateRetries).toBe(2);
        expect(storage.latest.requests, 'an undefined option keeps the URI value').toBe(2);
      });
    });

    it('is what createContextStorage opens, with the same precedence', async () => {
      const prefix = randomId('registry');
      const query = [row.pick, 'prefix=ignored', COMMON_QUERY].filter(Boolean).join('&');
      const storage = (await createContextStorage(withQuery(row, query), {
        prefix,
      })) as PrefixedStorage;
      await using([storage], async () => {
        expect(storage.name).toBe(row.name);
        expectCommonOptions(storage, prefix);
      });
    });

    it('isolates storages by the prefix it reports, from the URI or from code', async () => {
      const prefix = randomId('isolated');
      const id = randomId('ctx');
      const writer = await row.connect(withQuery(row, `prefix=${prefix}`));
      const sameByCode = await row.connect(withQuery(row, 'prefix=other'), { prefix });
      const other = await row.connect(row.base, { prefix: `${prefix}-other` });
      await using([writer, sameByCode, other], async () => {
        await writer.setItem(id, new Context(id));
        expect(await sameByCode.contains(id), 'the same prefix given in code sees it').toBe(true);
        expect(await other.contains(id), 'another prefix does not see it').toBe(false);
        await writer.clear();
      });
    });

    const client = row.client;
    if (client !== undefined) {
      for (const [how, uriQuery, options] of [
        ['in the URI', 'commandTimeoutMs=400', {}],
        ['in code', 'commandTimeoutMs=60000', { commandTimeoutMs: 400 }],
      ] as const) {
        it(`bounds every call by commandTimeoutMs given ${how}`, async () => {
          const storage = await row.connect(
            withQuery(row, `prefix=${randomId('bound')}&${uriQuery}`),
            options,
          );
          await using([storage], async () => {
            await storage.len(); // connected and answering
            const resume = client.pause();
            const started = Date.now();
            try {
              const error = await storage.contains('x').catch((caught: unknown) => caught);
              const elapsed = Date.now() - started;
              expect(error).toBeInstanceOf(ConnectionError);
              expect(elapsed, 'fails no sooner than the bound').toBeGreaterThanOrEqual(350);
              expect(elapsed, 'fails about when the bound says, not later').toBeLessThan(1_400);
            } finally {
              resume();
            }
          });
        });
      }

      it('leaves a client passed in open, unless closeClient says otherwise', async () => {
        const kept = await client.wrap({ prefix: randomId('kept') });
        await kept.storage.len();
        await kept.storage.close();
        expect(kept.isOpen(), 'closeClient defaults to false for your client').toBe(true);
        await kept.release();
        const owned = await client.wrap({ prefix: randomId('owned'), closeClient: true });
        await owned.storage.len();
        await owned.storage.close();
        expect(owned.isOpen(), 'closeClient: true closes it').toBe(false);
      });
    }
  });
}

describe('the matrix itself', () => {
  it('has a row for every adapter package of the repository', async () => {
    // An adapter package is one that exports a contextStorageAdapter from src/adapter.ts.
    const packages = new URL('../../', import.meta.url);
    const adapters: string[] = [];
    for (const entry of await readdir(packages, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const adapter = new URL(`${entry.name}/src/adapter.ts`, packages);
      const source = await readFile(adapter, 'utf8').catch(() => '');
      const name = /name: '([^']+)'/.exec(source)?.[1];
      if (source.includes('contextStorageAdapter') && name !== undefined) adapters.push(name);
    }
    const covered = new Set(ROWS.map((row: AdapterRow) => row.adapter ?? row.name));
    expect([...covered].sort()).toEqual(adapters.sort());
  });
});
