import { InputError } from '../core/errors';
import { DEFAULT_LIMITS, checkPoints, checkRange, checkSpecSize } from './limits';

describe('checkRange', () => {
  it('accepts a range in epoch ms and names the field of a bad one', () => {
    expect(() => checkRange(0, 1)).not.toThrow();
    expect(() => checkRange(NaN, 1)).toThrow(/^field "from": must be epoch milliseconds, got NaN/);
    expect(() => checkRange(0, Infinity)).toThrow(/^field "to": must be epoch milliseconds/);
    expect(() => checkRange(-1e17, 0)).toThrow(
      /^field "from": -100000000000000000 is not epoch milliseconds between the years 1 and 9999/
    );
    expect(() => checkRange(5, 5)).toThrow(InputError);
    expect(() => checkRange(5, 4)).toThrow(/"to" \(4\) must be after "from" \(5\)/);
  });
});

describe('checkPoints', () => {
  it('counts the grid over [from, to] plus warm-up against the limit', () => {
    expect(() => checkPoints(0, 99, 1, 100)).not.toThrow();
    expect(() => checkPoints(0, 100, 1, 100)).toThrow(
      /^field "interval": 101 points per series \(from 0 to 100 every 1 ms\) is more than the limit of 100/
    );
    expect(() => checkPoints(0, 89, 1, 100, 10)).not.toThrow();
    expect(() => checkPoints(0, 90, 1, 100, 10)).toThrow(/101 points per series \(10 of warm-up/);
  });
});

describe('checkSpecSize', () => {
  it('measures labels and params as JSON bytes (UTF-8) against their limits', () => {
    expect(() => checkSpecSize({}, DEFAULT_LIMITS)).not.toThrow();
    expect(() => checkSpecSize({ labels: { team: 'sre' }, params: { mad: { k: 3 } } }, DEFAULT_LIMITS)).not.toThrow();
    // 10 two-byte characters: 20 bytes of value + 8 of JSON around it
    expect(() => checkSpecSize({ labels: { a: 'é'.repeat(10) } }, { labelsBytes: 27, paramsBytes: 100 })).toThrow(
      /^field "labels": 28 bytes of JSON is more than the limit of 27 bytes/
    );
    expect(() => checkSpecSize({ params: { z: { w: 1 } } }, { labelsBytes: 100, paramsBytes: 5 })).toThrow(
      /^field "params": /
    );
  });
});
