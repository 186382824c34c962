import { spawn } from 'node:child_process';

/** What a finished command printed. */
export interface CommandOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a command run outside the workspace: without what vitest, pnpm and npm
 * scripts set (VITEST would make the conformance suite load vitest; npm_config_* would steer npm;
 * NODE_PATH would let Node see the workspace's packages).
 */
export function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(VITEST|NODE_PATH$|NODE_OPTIONS$|npm_|PNPM_|TURBO_|INIT_CWD$)/i.test(key),
    ),
  );
}

/** Runs a command to its end and resolves what it printed, whatever its exit status. */
export function spawnOutput(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: outsideEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 240_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a command that must succeed. @throws an Error with its output when it fails */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<CommandOutput> {
  const output = await spawnOutput(command, args, options);
  if (output.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited ${output.status}\n${output.stdout}\n${output.stderr}`,
    );
  }
  return output;
}
