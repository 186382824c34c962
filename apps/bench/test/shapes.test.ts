import { describe, expect, it } from 'vitest';
import { DEFAULT_SHAPE } from '../src/config.js';
import { buildDialog, nestedDict, turnValues } from '../src/shapes.js';

describe('nestedDict', () => {
  it("follows Chatsky's get_dict: widths per level, the last dimension the string length", () => {
    const dict = nestedDict([2, 3, 4]);
    expect(Object.keys(dict)).toEqual(['0', '1']);
    expect(Object.keys(dict['0'] as object)).toEqual(['0', '1', '2']);
    expect(((dict['1'] as Record<string, string>)['2'] ?? '').length).toBe(4);
    expect(nestedDict([3])).toEqual({ 0: '', 1: '', 2: '' });
  });
});

describe('dialogs', () => {
  it('has messages of about 1 KB in the default shape, built once per turn id', () => {
    const bytes = JSON.stringify(turnValues(DEFAULT_SHAPE, 7).request).length;
    expect(bytes).toBeGreaterThan(800);
    expect(bytes).toBeLessThan(1_200);
    expect(turnValues(DEFAULT_SHAPE, 7)).toBe(turnValues(DEFAULT_SHAPE, 7));
    const context = buildDialog('d', DEFAULT_SHAPE, 5);
    expect(context.currentTurnId).toBe(5);
    expect(context.requests.get(5)).toBe(turnValues(DEFAULT_SHAPE, 5).request);
  });
});
