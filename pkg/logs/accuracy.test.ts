import { InputError } from '../core/errors';
import { groupingAccuracy, parsingAccuracy } from './accuracy';

describe('groupingAccuracy', () => {
  it('counts the messages whose predicted group is exactly their true group', () => {
    expect(groupingAccuracy(['a', 'a', 'b', 'c'], ['1', '1', '2', '3'])).toBe(1);
    // a is split: its two messages are wrong; b and c are merged: both wrong
    expect(groupingAccuracy(['a', 'a', 'b', 'c', 'd'], ['1', '2', '3', '3', '4'])).toBeCloseTo(1 / 5);
    expect(groupingAccuracy([], [])).toBe(1);
  });

  it('names the length mismatch', () => {
    expect(() => groupingAccuracy(['a'], [])).toThrow(InputError);
  });
});

describe('parsingAccuracy', () => {
  it('compares templates with whitespace runs as one space', () => {
    expect(parsingAccuracy(['a <*>  b', 'c <*>'], ['a <*> b', 'c d'])).toBe(0.5);
  });
});
