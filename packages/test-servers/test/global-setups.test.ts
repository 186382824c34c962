import { describe, expect, it } from 'vitest';
import { combinedGlobalSetup } from '../src/index.js';

describe('combinedGlobalSetup', () => {
  it('starts every setup and stops every one', async () => {
    const log: string[] = [];
    const setup = (name: string) => async () => {
      log.push(`start ${name}`);
      return async () => void log.push(`stop ${name}`);
    };
    const stop = await combinedGlobalSetup(setup('a'), setup('b'))({});
    await stop();
    expect(log.sort()).toEqual(['start a', 'start b', 'stop a', 'stop b']);
  });

  it('stops those that started when another fails, then throws its error', async () => {
    const stopped: string[] = [];
    const ok = async () => async () => void stopped.push('ok');
    const broken = async (): Promise<() => Promise<void>> => {
      throw new Error('no postgres here');
    };
    await expect(combinedGlobalSetup(ok, broken)({})).rejects.toThrow('no postgres here');
    expect(stopped).toEqual(['ok']);
  });
});
