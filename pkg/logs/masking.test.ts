import { ParameterError } from '../core/errors';
import { compileMaskingRules, DEFAULT_MASKING_SPECS, maskMessage } from './masking';

describe('maskMessage (default rules)', () => {
  it.each([
    ['Failed password for root from 10.0.0.7 port 22 ssh2', 'Failed password for root from <*> port <*> ssh2'],
    ['Receiving block blk_-6952295868487656571 src: /10.251.42.84:57069', 'Receiving block blk_<*> src: /<*>:<*>'],
    ['time: 0.2477829', 'time: <*>.<*>'],
    ['connection from 1.2.3.4 () at Fri Jun 17 07:07:00 2005', 'connection from <*> () at <*>'],
    ['[req-38101a0b-2096-447d-96ea-a692162415ae] ok', '[req-<*>] ok'],
    ['token 9f4ef63 and mask=ffffffff and word deadline', 'token <*> and mask=<*> and word deadline'],
    ['flags=0x1a at @0x7fed806eb5d', 'flags=<*> at @<*>'],
    ['Created attempt_1445144423722_0020_m_000004_0', 'Created attempt_<*>'],
    ['node node-246 via interface alt0 and eth1', 'node node-<*> via interface alt0 and eth1'],
    ['Input split: hdfs://msra-sa-41:9000/pageinput2.txt:0+134217728', 'Input split: hdfs://<*>'],
    ['Deleting instance files /var/lib/nova/instances/abc', 'Deleting instance files <*>'],
    ['Resolved host-7.corp.example.com to rack', 'Resolved <*> to rack'],
    [
      'class org.apache.hadoop.mapreduce.v2.app.MRAppMaster started',
      'class org.apache.hadoop.mapreduce.v2.app.MRAppMaster started',
    ],
    ['ipv6 fe80:0:0:0:200:f8ff:fe21:67cf up', 'ipv6 <*> up'],
    ['at 12:34:56 ok', 'at <*>:<*>:<*> ok'],
  ])('%s', (input, expected) => {
    expect(maskMessage(input)).toBe(expected);
  });

  it('leaves a message without variables alone', () => {
    expect(maskMessage('Starting quorum peer')).toBe('Starting quorum peer');
  });
});

describe('compileMaskingRules', () => {
  it('compiles custom rules in order, with groups in the replacement', () => {
    const rules = compileMaskingRules([{ name: 'user', pattern: '(user=)\\S+', replace: '$1<*>' }]);
    expect(maskMessage('login user=alice ok', rules)).toBe('login user=<*> ok');
  });

  it('names the rule that does not compile, has no pattern, or matches nothing but the empty string', () => {
    expect(() => compileMaskingRules([{ name: 'bad', pattern: '(' }])).toThrow(/rule "bad"/);
    expect(() => compileMaskingRules([{ name: 'empty', pattern: '' }])).toThrow(ParameterError);
    expect(() => compileMaskingRules([{ name: 'star', pattern: 'x*' }])).toThrow(/empty string/);
    expect(() => compileMaskingRules([{ name: '', pattern: 'x' }])).toThrow(/rule 1 needs a name/);
  });

  it('the default specs compile and every rule has a name', () => {
    expect(compileMaskingRules(DEFAULT_MASKING_SPECS).map((r) => r.name)).toEqual(
      DEFAULT_MASKING_SPECS.map((s) => s.name)
    );
  });
});
