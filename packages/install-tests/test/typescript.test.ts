import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { spawnOutput } from './commands.js';

// A TypeScript consumer of the installed packages compiles under each module setting a project
// may use: the types of each condition (`import` -> .d.mts, `require` -> .d.cts) must resolve
// and agree. The nodenext run also checks the declarations themselves (skipLibCheck off; ~20 s,
// mostly the client libraries' types); the three compile at once.

const { app } = inject('release');

const CONSUMER = `
import { Context, ConflictError, createContextStorage, type DBContextStorage } from '@context-storage/core';
import { boundedCall, type ContextStorageDriver } from '@context-storage/core/adapter';
import { describeContextStorage, type StorageFactory } from '@context-storage/core/conformance';
import { IoRedisContextStorage } from '@context-storage/ioredis';
import { KeyvContextStorage } from '@context-storage/keyv';
import { MemoryContextStorage } from '@context-storage/memory';
import { NodeRedisContextStorage } from '@context-storage/node-redis';
import { PostgresContextStorage } from '@context-storage/postgres';

export const adapters = [IoRedisContextStorage, KeyvContextStorage, NodeRedisContextStorage, PostgresContextStorage];
export const factory: StorageFactory = () => MemoryContextStorage.connect('memory://');
export const suite: typeof describeContextStorage = describeContextStorage;
export const bound: typeof boundedCall = boundedCall;
export type Driver = ContextStorageDriver;

export async function turns(): Promise<number> {
  const storage: DBContextStorage = await createContextStorage('memory://');
  const context = new Context('dialog');
  context.addTurn({ request: 'hi' });
  await storage.setItem('dialog', context);
  const loaded = await storage.getItem('dialog');
  await storage.close();
  return loaded instanceof Context && !(loaded instanceof ConflictError) ? loaded.currentTurnId : -1;
}
`;

/** Compiles the consumer in `dir` with these compiler options; resolves tsc's output. */
async function compile(dir: string, compilerOptions: Record<string, unknown>) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        lib: ['ES2023'],
        types: ['node'],
        skipLibCheck: true,
        outDir: 'out',
        ...compilerOptions,
      },
      files: ['consumer.ts'],
    }),
  );
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  return spawnOutput(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir });
}

describe.concurrent('TypeScript consumers of the installed packages', () => {
  it('compile under module nodenext (an ES module project)', async () => {
    const result = await compile(join(app, 'ts-nodenext'), {
      module: 'nodenext',
      noEmit: true,
      skipLibCheck: false,
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('compile to CommonJS under module node16 (no TS1479), and the output runs', async () => {
    const dir = join(app, 'ts-node16-commonjs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    const result = await compile(dir, { module: 'node16' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
    const ran = await spawnOutput(
      process.execPath,
      ['-e', "require('./out/consumer.js').turns().then((n) => console.log(n))"],
      { cwd: dir },
    );
    expect(ran.stderr).toBe('');
    expect(ran.stdout.trim()).toBe('1');
  });

  it('compile under moduleResolution bundler', async () => {
    const result = await compile(join(app, 'ts-bundler'), {
      module: 'esnext',
      moduleResolution: 'bundler',
      noEmit: true,
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
