import { describe, expect, it } from 'vitest';
import { runProgram } from '../src/index.js';

describe('runProgram', () => {
  it('resolves stdout', async () => {
    expect(await runProgram('sh', ['-c', 'echo out; echo err >&2'])).toBe('out\n');
  });

  it('a failure names the label, the exit code and the output, never the command line', async () => {
    const secret = 'hunter2-secret';
    const error = await runProgram('sh', ['-c', 'echo said; echo broke >&2; exit 3', secret], {
      label: 'sh -c ...',
    }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('sh -c ... failed: exited with code 3\nsaid\nbroke');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(secret);
  });

  it('kills a program that passes its deadline', async () => {
    const started = Date.now();
    await expect(runProgram('sleep', ['30'], { timeoutMs: 200 })).rejects.toThrow(
      'sleep 30 failed: was killed after its 200 ms deadline',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says when the program cannot run at all', async () => {
    await expect(runProgram('/nonexistent/program', [])).rejects.toThrow(
      'program failed: could not run (ENOENT)',
    );
  });
});
