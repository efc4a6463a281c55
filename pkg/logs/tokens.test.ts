import { DEFAULT_MASKING } from './masking';
import { prepareMessage, splitTokens, tokenType } from './tokens';

describe('splitTokens', () => {
  it('keeps the whitespace before each token', () => {
    expect(splitTokens('a  b\tc')).toEqual({ tokens: ['a', 'b', 'c'], seps: ['', '  ', '\t'] });
    expect(splitTokens('   ')).toEqual({ tokens: [], seps: [] });
  });
});

describe('tokenType', () => {
  it.each([
    ['<*>', undefined, 'value'],
    ['(<*>.<*>', undefined, 'value'],
    ['KB)', '(<*>.<*>', 'value'],
    ['KB)', 'free', 'word'],
    ['com.android.phone', undefined, 'identifier'],
    ['rdd_<*>', undefined, 'identifier'],
    ['/usr/lib', undefined, 'identifier'],
    ['uid=<*>', undefined, 'shape'],
    ['eth<*>', undefined, 'shape'],
    ['FOLLOWING', undefined, 'word'],
  ])('%s after %s is a %s', (token, previous, type) => {
    expect(tokenType(token, previous)).toBe(type);
  });
});

describe('prepareMessage', () => {
  it('masks, writes glued digits as wildcards for grouping, and keeps the written form', () => {
    const m = prepareMessage('link eth0 up after 30 s', DEFAULT_MASKING);
    expect(m.tokens).toEqual(['link', 'eth<*>', 'up', 'after', '<*>', 's']);
    expect(m.raw).toEqual(['link', 'eth0', 'up', 'after', '<*>', 's']);
  });

  it('writes a run of the same identifier once, so lists of ids of any length compare equal', () => {
    const a = prepareMessage('delete blk_1 blk_2 blk_3 now', DEFAULT_MASKING);
    const b = prepareMessage('delete blk_9 now', DEFAULT_MASKING);
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).toEqual(['delete', 'blk_<*>', 'now']);
  });

  it('does not fold a run of plain values (each is its own field)', () => {
    expect(prepareMessage('speeds ( 1 2 3 )', DEFAULT_MASKING).tokens).toEqual([
      'speeds',
      '(',
      '<*>',
      '<*>',
      '<*>',
      ')',
    ]);
  });
});
