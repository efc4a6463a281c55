import { logJobTemplateEvents, NEW_TEMPLATE_SCORE, type TemplatedLine } from './logJobTemplates';

const T = Date.parse('2024-05-01T00:00:00Z');
const MIN = 60_000;
const disk = { id: '1', template: 'disk <*> failed to respond' };
const login = { id: '2', template: 'user <*> logged in' };
const cache = { id: '3', template: 'cache warmed in <*> ms' };

function line(minute: number, message: string, template: TemplatedLine['template'], level?: string): TemplatedLine {
  return { time: T + minute * MIN, message, template, ...(level ? { level } : {}) };
}

describe('logJobTemplateEvents', () => {
  const templates = [
    { ...disk, count: 3, firstSeen: T - 60 * MIN },
    { ...login, count: 9, firstSeen: T - 60 * MIN },
    { ...cache, count: 1, firstSeen: T + 2 * MIN },
  ];
  const lines = [
    line(1, 'user a logged in', login, 'INFO'),
    line(3, 'disk sda failed to respond', disk, 'ERROR'),
    line(2, 'cache warmed in 12 ms', cache, 'INFO'),
    line(4, 'disk sdb failed to respond', disk, 'ERROR'),
    line(5, 'unparsed', null),
  ];

  it('raises one event per template with fault lines, scored by the worst line, with examples in time order', () => {
    const events = logJobTemplateEvents(lines, templates, T);
    const fault = events.find((e) => e.templateId === '1')!;
    expect(fault).toMatchObject({
      start: T + 3 * MIN,
      end: T + 4 * MIN,
      count: 2,
      severity: 'major',
      detectors: { 'log:fault': 70 },
      labels: { __name__: 'log_template_events', template_id: '1' },
    });
    expect(fault.examples.map((e) => e.message)).toEqual(['disk sda failed to respond', 'disk sdb failed to respond']);
    expect(events.find((e) => e.templateId === '2')).toBeUndefined();
  });

  it('raises a minor event for a template first seen in the span once the miner has history', () => {
    const fresh = logJobTemplateEvents(lines, templates, T).find((e) => e.templateId === '3')!;
    expect(fresh).toMatchObject({ score: NEW_TEMPLATE_SCORE, severity: 'minor', count: 1 });
    expect(fresh.detectors).toEqual({ 'log:new-template': NEW_TEMPLATE_SCORE });
    // a first run: every template is first seen in its span, none is new
    const first = templates.map((t) => ({ ...t, firstSeen: T + MIN }));
    expect(logJobTemplateEvents(lines, first, T).map((e) => e.templateId)).toEqual(['1']);
  });

  it('keeps at most the asked number of examples and does not mutate its input', () => {
    const many = Array.from({ length: 8 }, (_, i) => line(i, `disk sd${i} failed to respond`, disk, 'CRIT'));
    const copy = JSON.stringify(many);
    const [e] = logJobTemplateEvents(many, templates, T, 3);
    expect(e.examples).toHaveLength(3);
    expect(e.severity).toBe('critical');
    expect(JSON.stringify(many)).toBe(copy);
  });
});
