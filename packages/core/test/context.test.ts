import { describe, expect, it } from 'vitest';
import { Context, InvalidArgumentError } from '../src/index.js';

describe('Context', () => {
  it('starts empty at turn 0, version 0', () => {
    const context = new Context('a');
    expect(context.currentTurnId).toBe(0);
    expect(context.version).toBe(0);
    expect(context.misc).toEqual({});
    expect(context.expiresAt).toBeUndefined();
  });

  it('addTurn advances the turn and sets the given fields only', () => {
    const context = new Context('a');
    expect(context.addTurn({ request: 'hi', label: 'start' })).toBe(1);
    expect(context.addTurn({ request: 'again', response: 'yes' })).toBe(2);
    expect(context.latestTurns(5)).toEqual([
      { turnId: 1, request: 'hi', label: 'start' },
      { turnId: 2, request: 'again', response: 'yes' },
    ]);
    expect(context.latestTurns(1)).toEqual([{ turnId: 2, request: 'again', response: 'yes' }]);
  });

  it('setting an item beyond the current turn advances it', () => {
    const context = new Context('a');
    context.responses.set(7, 'late');
    expect(context.currentTurnId).toBe(7);
    context.labels.set(3, 'earlier');
    expect(context.currentTurnId).toBe(7);
  });

  it('a turn map reports loaded items in turn order', () => {
    const context = new Context('a');
    for (const turnId of [5, 1, 3]) context.requests.set(turnId, `r${turnId}`);
    expect(context.requests.keys()).toEqual([1, 3, 5]);
    expect(context.requests.latest(2)).toEqual([
      [3, 'r3'],
      [5, 'r5'],
    ]);
    expect(context.requests.delete(3)).toBe(true);
    expect(context.requests.delete(4)).toBe(false);
    expect(context.requests.size).toBe(2);
  });

  it('an unsaved context fetches only what it holds, without a storage', async () => {
    const context = new Context('a');
    context.addTurn({ request: 'one' });
    expect(await context.requests.fetch(1)).toBe('one');
    expect(await context.requests.fetch(2)).toBeUndefined();
    expect(await context.fetchTurns([1, 2])).toEqual([{ turnId: 1, request: 'one' }]);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 60])('refuses turn id %s', (turnId) => {
    const context = new Context('a');
    expect(() => context.requests.set(turnId, 'x')).toThrow(InvalidArgumentError);
  });

  it.each(['', '\uD83D', 'x\uDC00'])('refuses the malformed id %j', (id) => {
    expect(() => new Context(id)).toThrow(InvalidArgumentError);
  });

  it('accepts ids with any well-formed characters', () => {
    expect(new Context('*?[]{}: 🤖').id).toBe('*?[]{}: 🤖');
  });

  it('toJSON gives a plain snapshot of what is loaded', () => {
    const context = new Context('a', { misc: { k: 1 }, createdAt: 5 });
    context.addTurn({ request: 'hi' });
    expect(JSON.parse(JSON.stringify(context))).toEqual({
      id: 'a',
      version: 0,
      currentTurnId: 1,
      createdAt: 5,
      updatedAt: 5,
      misc: { k: 1 },
      frameworkData: {},
      labels: {},
      requests: { 1: 'hi' },
      responses: {},
    });
  });
});
