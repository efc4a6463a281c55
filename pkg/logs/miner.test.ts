import { ParameterError } from '../core/errors';
import { TemplateMiner } from './miner';

function mine(lines: string[], options = {}): { miner: TemplateMiner; ids: string[]; templates: string[] } {
  const miner = new TemplateMiner(options);
  const refs = lines.map((l) => miner.add(l).ref);
  const resolved = refs.map((r) => miner.resolve(r));
  return { miner, ids: resolved.map((r) => r.id), templates: resolved.map((r) => r.template) };
}

describe('TemplateMiner', () => {
  it('groups messages of one statement and writes the variables as <*>', () => {
    const { ids, templates } = mine([
      'Failed password for root from 10.0.0.7 port 22 ssh2',
      'Failed password for admin from 10.0.0.8 port 2201 ssh2',
      'Accepted password for bob from 10.0.0.9 port 40 ssh2',
      'Failed password for guest from 10.0.0.1 port 22 ssh2',
      'Failed password for oracle from 10.0.0.2 port 22 ssh2',
    ]);
    expect(new Set([ids[0], ids[1], ids[3], ids[4]]).size).toBe(1);
    expect(ids[2]).not.toBe(ids[0]);
    expect(templates[0]).toBe('Failed password for <*> from <*> port <*> ssh2');
  });

  it('keeps a position with few distinct words as separate templates, and merges once it has many', () => {
    const states = ['Started', 'Stopped', 'Paused'];
    const lines = Array.from({ length: 30 }, (_, i) => `[instance: ${i}] VM ${states[i % 3]} (Lifecycle Event)`);
    const few = mine(lines);
    expect(new Set(few.ids).size).toBe(3);
    expect(few.templates[0]).toBe('[instance: <*>] VM Started (Lifecycle Event)');
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const many = mine(users.map((u, i) => `session opened for user ${u} by (uid=${i})`));
    expect(new Set(many.ids).size).toBe(1);
    expect(many.templates[0]).toBe('session opened for user <*> by (uid=<*>)');
  });

  it('an early message resolves to the merged template once its split position became a variable', () => {
    const miner = new TemplateMiner();
    const first = miner.add('session opened for user alice');
    expect(first.isNew).toBe(true);
    const second = miner.add('session opened for user bob');
    expect(second.isNew).toBe(true);
    expect(second.id).not.toBe(first.id);
    for (const u of ['carol', 'dave']) miner.add(`session opened for user ${u}`);
    expect(miner.resolve(first.ref)).toEqual(miner.resolve(second.ref));
    expect(miner.resolve(first.ref).id).toBe(first.id); // the oldest id survives the merge
    const listed = miner.templates();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ template: 'session opened for user <*>', count: 4 });
  });

  it('aligns variables of varying length', () => {
    const { ids, templates } = mine([
      'host:80 close, 0 bytes sent, 0 bytes received, lifetime 00:01',
      'host:80 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime 00:02',
      'host:80 close, 1165 bytes (1.13 KB) sent, 815 bytes received, lifetime <1 sec',
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(templates[0]).toContain('close, <*> bytes <*> sent, <*> bytes <*> received, lifetime');
  });

  it('records counts and first/last seen per template', () => {
    const miner = new TemplateMiner();
    miner.add('disk full on /dev/sda1', 3000);
    miner.add('disk full on /dev/sdb2', 1000);
    miner.add('fan ok', 2000);
    expect(miner.templates()).toEqual([
      { id: '0', template: 'disk full on <*>', count: 2, firstSeen: 1000, lastSeen: 3000 },
      { id: '1', template: 'fan ok', count: 1, firstSeen: 2000, lastSeen: 2000 },
    ]);
  });

  it('match() looks without learning', () => {
    const miner = new TemplateMiner();
    miner.add('job 1 done in 3 ms');
    expect(miner.match('job 7 done in 12 ms')).toEqual({ id: '0', template: 'job <*> done in <*> ms' });
    expect(miner.match('something else entirely')).toBeNull();
    expect(miner.templates()).toHaveLength(1);
    expect(miner.templates()[0].count).toBe(1);
  });

  it('is deterministic and its state round-trips through JSON', () => {
    const lines = [
      'Invalid user test from 1.2.3.4',
      'Invalid user admin from 1.2.3.5',
      'Connection closed by 1.2.3.4 [preauth]',
      'VM Started',
      'VM Stopped',
      'Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]',
    ];
    const a = mine(lines);
    const b = mine(lines);
    expect(b.ids).toEqual(a.ids);
    const restored = TemplateMiner.fromJSON(JSON.stringify(a.miner.toJSON()));
    expect(restored.templates()).toEqual(a.miner.templates());
    const next = 'Invalid user oracle from 9.9.9.9';
    expect(restored.add(next)).toEqual(a.miner.add(next));
    expect(restored.toJSON()).toEqual(a.miner.toJSON());
  });

  it('counts messages beyond maxClusters as overflow', () => {
    const miner = new TemplateMiner({ maxClusters: 1 });
    miner.add('alpha beta');
    const over = miner.add('completely different words here');
    expect(over.id).toBe('overflow');
    expect(miner.templates().map((t) => t.id)).toEqual(['0', 'overflow']);
  });

  it('rejects bad options and foreign state with a clear error', () => {
    expect(() => new TemplateMiner({ similarity: 2 })).toThrow(ParameterError);
    expect(() => new TemplateMiner({ valueCardinality: 1.5 })).toThrow(/valueCardinality/);
    expect(() => new TemplateMiner({ masking: [{ name: 'x', pattern: '(' }] })).toThrow(/rule "x"/);
    expect(() => TemplateMiner.fromJSON('{"kind":"other"}')).toThrow(/not a template miner/);
    expect(() => TemplateMiner.fromJSON('not json')).toThrow(/not valid JSON/);
  });

  it('handles empty and whitespace-only messages', () => {
    const miner = new TemplateMiner();
    const a = miner.add('');
    const b = miner.add('   ');
    expect(a.id).toBe(b.id);
    expect(a.template).toBe('');
  });
});
