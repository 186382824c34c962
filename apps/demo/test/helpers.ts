import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContextStorage, type DBContextStorage } from '@context-storage/core';
import '@context-storage/memory';
import '@context-storage/ioredis';
import '@context-storage/node-redis';
import '@context-storage/postgres';
import { afterAll, afterEach, inject } from 'vitest';
import { createDemoServer, type DemoServerOptions } from '../src/server.js';

/** The built entry point (turbo builds the demo before its tests). */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** What a finished `node dist/main.js` process left. */
export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/main.js ...args` to its end (killed, and failing the test, after 20 s). */
export function runDemo(args: string[]): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    // A process that does not end by itself holds something open (a storage left unclosed).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not end within 20 s:\n${stdout}${stderr}`));
    }, 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A JSON answer of the demo. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
  body: Record<string, any>;
}

/** Calls a running demo at `base` (`http://127.0.0.1:PORT`). */
export function demoClient(base: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  return {
    base,
    call,
    say: (userId: string, text: string) => call('POST', '/api/messages', { userId, text }),
    read: (userId: string) => call('GET', `/api/contexts/${encodeURIComponent(userId)}`),
  };
}

/** A demo client. */
export type DemoClient = ReturnType<typeof demoClient>;

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

/** Serves `storage` in this process on a free loopback port; closed after the test. */
export async function startDemo(
  storage: DBContextStorage,
  uri = 'memory://',
  options: DemoServerOptions = {},
) {
  const server = createDemoServer(storage, uri, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  opened.push(storage);
  return demoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

/** A backend the HTTP tests run on: its URI, with a fresh prefix per call on Redis. */
export interface Backend {
  name: string;
  uri(): string;
}

/** The Redis URL of the test server, with `?client=` and a fresh prefix. */
export function redisUri(client: 'ioredis' | 'node-redis', query = ''): string {
  const { standalone } = inject('redis');
  if (standalone === undefined) throw new Error('the global setup started no Redis');
  const prefix = `demo-${randomUUID().slice(0, 8)}`;
  return `${standalone.url}?client=${client}&prefix=${prefix}${query}`;
}

/** The URL of the test PostgreSQL server, with a fresh prefix. */
export function postgresUri(query = ''): string {
  return `${inject('postgres').url}?prefix=demo-${randomUUID().slice(0, 8)}${query}`;
}

/** A fresh directory for PGlite, removed after the file's tests. */
export function pgliteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-demo-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sharedPglite = pgliteDir();

/** memory://, the test Redis through each client, the test PostgreSQL server and PGlite. */
export const BACKENDS: Backend[] = [
  { name: 'memory://', uri: () => 'memory://' },
  { name: 'redis:// (ioredis)', uri: () => redisUri('ioredis') },
  { name: 'redis:// (node-redis)', uri: () => redisUri('node-redis') },
  { name: 'postgres://', uri: () => postgresUri() },
  // One directory for the file: its PGlite instance opens once, prefixes keep tests apart.
  {
    name: 'pglite://',
    uri: () => `pglite://${sharedPglite}?prefix=demo-${randomUUID().slice(0, 8)}`,
  },
];

/** Opens a storage on the backend and serves it in this process. */
export async function startDemoOn(backend: Backend) {
  const uri = backend.uri();
  return startDemo(await createContextStorage(uri), uri);
}

/** A demo running as its own process (`node dist/main.js`). */
export interface DemoProcess extends DemoClient {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

const processes: DemoProcess[] = [];
afterEach(async () => {
  for (const demo of processes.splice(0)) {
    if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
    await demo.exited;
  }
});

/**
 * Starts `node dist/main.js --storage uri --port 0 ...args` and waits for the line with its URL
 * (30 s at most). The process is killed after the test if it is still running.
 */
export async function spawnDemo(
  uri: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<DemoProcess> {
  const child = spawn(process.execPath, [MAIN, '--storage', uri, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const base = await new Promise<string>((resolve, reject) => {
    // PGlite's first open of a directory takes seconds.
    const timer = setTimeout(() => reject(new Error(`no URL after 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+:\d+)\//.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before listening:\n${output}`));
    });
  });
  const demo: DemoProcess = { ...demoClient(base), child, exited, output: () => output };
  processes.push(demo);
  return demo;
}
