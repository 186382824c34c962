import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** How a fixture process ended, and the JSON line it printed. */
export interface FixtureRun<T> {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly printed: T;
  readonly stderr: string;
}

/** Runs `test/fixtures/<name>.ts` as its own node process (through tsx) until it ends. */
export function runFixture<T>(name: string, args: readonly string[]): Promise<FixtureRun<T>> {
  const file = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ code, signal, printed: JSON.parse(line) as T, stderr });
      } catch {
        reject(
          new Error(`${name} printed no JSON (code ${code}, ${signal}): ${stdout}\n${stderr}`),
        );
      }
    });
  });
}
