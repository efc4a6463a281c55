import { alignToTemplate } from './alignment';

describe('alignToTemplate', () => {
  const t = ['<*>', 'close,', '<*>', 'bytes', 'sent,', 'lifetime', '<*>:<*>'];

  it('aligns a message with an extra value group and reports where it went', () => {
    const m = ['<*>', 'close,', '<*>', 'bytes', '(<*>.<*>', 'KB)', 'sent,', 'lifetime', '<*>:<*>'];
    const a = alignToTemplate(t, m, m);
    expect(a).not.toBeNull();
    expect(a!.tokens).toEqual(['<*>', 'close,', '<*>', 'bytes', 'sent,', 'lifetime', '<*>:<*>']);
    expect(a!.gaps).toEqual([4]);
    expect(a!.similarity).toBeCloseTo(7 / 9);
  });

  it('aligns a message missing a value', () => {
    const m = ['<*>', 'close,', 'bytes', 'sent,', 'lifetime', '<*>:<*>'];
    const a = alignToTemplate(t, m, m);
    expect(a!.tokens[2]).toBe('<*>');
    expect(a!.similarity).toBeCloseTo(6 / 7);
  });

  it('refuses to skip a word or a key=value token', () => {
    expect(
      alignToTemplate(t, ['<*>', 'close,', '<*>', 'bytes', 'never', 'sent,', 'lifetime', '<*>:<*>'], t)
    ).toBeNull();
    const kv = ['Intent', '{', 'flg=<*>', '}'];
    expect(alignToTemplate(kv, ['Intent', '{', 'act=x.y', 'flg=<*>', '}'], kv)).toBeNull();
  });

  it('does not mutate its inputs', () => {
    const m = ['<*>', 'close,', 'bytes', 'sent,', 'lifetime', '<*>:<*>'];
    const copyT = t.slice();
    const copyM = m.slice();
    alignToTemplate(t, m, m);
    expect(t).toEqual(copyT);
    expect(m).toEqual(copyM);
  });
});
