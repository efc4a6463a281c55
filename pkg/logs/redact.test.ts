import { Redactor } from './redact';

describe('Redactor', () => {
  const line =
    'Failed password for invalid user admin from 203.0.113.9 port 22 ssh2; mail bob@example.org; token=abc123secret; Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl';

  it('masks without a key', () => {
    expect(new Redactor().text(line)).toBe(
      'Failed password for invalid user <user> from <ip> port 22 ssh2; mail <email>; token=<secret>; Bearer <secret>'
    );
  });

  it('gives keyed pseudonyms: the same value the same name, another key another name', () => {
    const a = new Redactor({ key: 'key-number-one' });
    const b = new Redactor({ key: 'key-number-two' });
    const x = a.text('from 203.0.113.9 and again 203.0.113.9, then 198.51.100.1');
    const [p1, p2, p3] = x.match(/ip-[0-9a-f]{12}/g)!;
    expect(p1).toBe(p2);
    expect(p3).not.toBe(p1);
    expect(b.text('203.0.113.9')).not.toBe(p1);
    expect(a.text('user=root')).toMatch(/^user=user-[0-9a-f]{12}$/);
    expect(a.text('token=abc')).toBe('token=<secret>'); // secrets are always masked
  });

  it('redacts every string inside a value, keeping keys, numbers and its input', () => {
    const r = new Redactor();
    const v = { key: '1.2.3.4', n: 5, list: ['x 1.2.3.4'], nested: { m: 'user=alice' } };
    const copy = JSON.parse(JSON.stringify(v));
    expect(r.deep(v)).toEqual({ key: '<ip>', n: 5, list: ['x <ip>'], nested: { m: 'user=<user>' } });
    expect(v).toEqual(copy);
  });

  it('leaves times, versions and ports alone', () => {
    expect(new Redactor().text('at 12:34:56 v1.2.3 port 8080 1.2.3.4.5')).toBe(
      'at 12:34:56 v1.2.3 port 8080 1.2.3.4.5'
    );
  });

  it('takes configured rules and rejects bad ones', () => {
    const r = new Redactor({ rules: [{ kind: 'card', pattern: '\\b\\d{4}(?:-\\d{4}){3}\\b', action: 'mask' }] });
    expect(r.text('paid with 1234-5678-9012-3456 from 1.2.3.4')).toBe('paid with <card> from 1.2.3.4');
    expect(() => new Redactor({ rules: [{ kind: 'x', pattern: '(' }] })).toThrow(/redaction rule 1 \(x\)/);
    expect(() => new Redactor({ key: 'short' })).toThrow(/at least 8/);
  });
});
