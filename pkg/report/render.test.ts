import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncidentEvent } from '../incidents/types';
import { chartSpecs, renderCharts } from './charts';
import { reportDocument } from './document';
import { buildReport } from './model';
import { renderReport } from './render';
import { mentionsDay, rewriteSummary } from './rewrite';
import type { Report, ReportSeries } from './types';

const H = 3_600_000;
const D = 24 * H;
const DAY0 = Date.UTC(2018, 7, 27); // Mon 27 Aug 2018

function ev(metric: string, at: number, over: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    jobId: 'web',
    intervalMs: H,
    start: at,
    end: at,
    peak: at,
    labels: { __name__: metric },
    severity: 'critical',
    score: 90,
    detectors: { zscore: 90, seasonal: 80 },
    expected: 25,
    actual: 124,
    direction: 'above',
    confidence: 1,
    explanation: '',
    ...over,
  };
}

const burst = DAY0 + 5 * D + 12 * H;
const events = [ev('requests', burst), ev('errors', burst, { expected: 1, actual: 102 })];
const series: ReportSeries[] = ['requests', 'errors'].map((m) => ({
  jobId: 'web',
  labels: { __name__: m },
  intervalMs: H,
  points: Array.from({ length: 7 * 24 }, (_, i) => {
    const t = DAY0 + i * H;
    const spike = t === burst;
    return { t, value: spike ? 100 : 20 + (i % 24), expected: 20 + (i % 24), lower: 10, upper: 50, anomaly: spike };
  }),
}));

function report(): Report {
  return buildReport({
    title: 'Weekly report: web',
    source: 'job web',
    from: DAY0,
    to: DAY0 + 7 * D,
    period: '1d',
    generatedAt: DAY0 + 7 * D,
    events,
    jobs: { web: { id: 'web', name: 'web', runbookUrl: 'https://runbooks.example/web' } },
    series,
  });
}

describe('report rendering', () => {
  test('charts: one SVG per spec, including the headline incident with its series', async () => {
    const specs = chartSpecs(report(), series);
    expect(specs.map((s) => s.id)).toEqual(['timeline', 'hours', 'heatmap', 'features', 'detectors', 'incident-1']);
    const charts = await renderCharts(specs);
    for (const c of charts) {
      expect(c.svg.startsWith('<svg')).toBe(true);
      expect(c.width).toBeGreaterThan(100);
      expect(c.height).toBeGreaterThan(30);
    }
    const incident = charts.find((c) => c.id === 'incident-1')!;
    expect(incident.svg).toContain('requests');
    expect(incident.svg).toContain('errors');
    // the anomalous point is drawn in red
    expect(incident.svg).toContain('#c00000');
  });

  test('markdown: every section, tables, chart links when asked', async () => {
    const out = await renderReport(report(), 'md', { series, chartLink: (c) => `charts/${c.id}.svg` });
    const md = out.body as string;
    for (const h of [
      '# Weekly report: web',
      '## Summary',
      '## When incidents happen',
      '## The incident that stands out',
      '## Recurring patterns',
      '## What the anomalies were made of',
      '## All incidents',
    ]) {
      expect(md).toContain(h);
    }
    expect(md).toContain('One incident stands out: on Sat 1 Sep 2018 at 12:00 UTC');
    expect(md).toContain('![Incidents per day](charts/timeline.svg)');
    expect(md).toContain('- **runbook**: <https://runbooks.example/web>');
    expect(md).toMatch(/\| 2018-09-01 12:00 \| 1 h \| critical \| 0\.\d\d \|/);
    const plain = (await renderReport(report(), 'md')).body as string;
    expect(plain).not.toContain('![');
    // without chart files the figures still show, as tables
    expect(plain).toContain('**Incidents per day**\n\n| day | incidents | critical | major | minor |');
    expect(plain).toContain('| 2018-09-01 | 1 | 1 | 0 | 0 |');
  });

  test('html: one self-contained page with inline SVG and print styles', async () => {
    const html = (await renderReport(report(), 'html', { series })).body as string;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect((html.match(/<svg/g) ?? []).length).toBe(6);
    expect(html).toContain('@page { size: A4');
    expect(html).toContain('<a href="https://runbooks.example/web">');
  });

  test('pdf: A4 pages with the summary text', async () => {
    const out = await renderReport(report(), 'pdf', { series });
    const pdf = out.body as Buffer;
    expect(out.contentType).toBe('application/pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
  });

  test('json: the report document', async () => {
    const out = await renderReport(report(), 'json');
    const doc = JSON.parse(out.body as string) as Report;
    expect(doc.incidents).toHaveLength(1);
    expect(doc.summary.by).toBe('figures');
  });

  test('the document lists the headline incident with facts, examples and its chart', async () => {
    const r = report();
    const charts = await renderCharts(chartSpecs(r, series));
    const blocks = reportDocument(r, charts);
    const facts = blocks.find((b) => b.type === 'facts');
    expect(facts?.type === 'facts' && facts.items.map((i) => i.label)).toEqual([
      'when',
      'severity',
      'triage',
      'what',
      'series',
      'detectors',
      'runbook',
    ]);
    expect(blocks.some((b) => b.type === 'chart' && b.chart.id === 'incident-1')).toBe(true);
  });
});

describe('summary rewrite by an OpenAI-compatible endpoint', () => {
  let server: Server;
  let url: string;
  let answer: (body: Record<string, unknown>, req: IncomingMessage) => { status: number; body: unknown };
  const seen: { auth?: string; body?: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const body = JSON.parse(data) as Record<string, unknown>;
        seen.push({ auth: req.headers.authorization, body });
        if (req.url !== '/v1/chat/completions') {
          res.writeHead(404).end();
          return;
        }
        const a = answer(body, req);
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const completion = (content: string) => ({
    status: 200,
    body: { choices: [{ message: { role: 'assistant', content } }] },
  });

  test('uses the model text when it keeps the headline incidents; sends model, messages and the key', async () => {
    answer = () => completion('On 1 September 2018 at noon UTC errors jumped to 102.\n\nNothing else stood out.');
    const s = await rewriteSummary(report(), { url, model: 'llama-3', apiKey: 'sk-secret-123' });
    expect(s).toEqual({
      paragraphs: ['On 1 September 2018 at noon UTC errors jumped to 102.', 'Nothing else stood out.'],
      by: 'model',
      model: 'llama-3',
    });
    const req = seen.at(-1)!;
    expect(req.auth).toBe('Bearer sk-secret-123');
    expect(req.body?.model).toBe('llama-3');
    const messages = req.body?.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[1].content).toContain('One incident stands out');
  });

  test('falls back to the generated text when the model drops an incident, fails or answers garbage', async () => {
    const r = report();
    answer = () => completion('Everything was fine this week.');
    let s = await rewriteSummary(r, { url, model: 'm' });
    expect(s.by).toBe('figures');
    expect(s.paragraphs).toEqual(r.summary.paragraphs);
    expect(s.fallbackReason).toBe("the summary model's text left out the incident of 2018-09-01");

    answer = () => ({ status: 500, body: { error: 'boom' } });
    s = await rewriteSummary(r, { url, model: 'm', apiKey: 'sk-secret-123' });
    expect(s.fallbackReason).toBe('the summary model answered HTTP 500');

    answer = () => ({ status: 200, body: { nothing: true } });
    s = await rewriteSummary(r, { url, model: 'm' });
    expect(s.fallbackReason).toBe('the summary model answered no text');

    s = await rewriteSummary(r, { url: 'http://127.0.0.1:1/v1', model: 'm', apiKey: 'sk-secret-123' });
    expect(s.by).toBe('figures');
    expect(s.fallbackReason).toMatch(/could not be reached/);
    expect(JSON.stringify(s)).not.toContain('sk-secret-123');
  });

  test('recognises a day written in the usual ways', () => {
    const t = Date.UTC(2018, 8, 1, 12);
    for (const text of ['on 2018-09-01', 'on 1 Sep', 'September 1st', 'Sep. 1', 'the 1st of September', '01 sep']) {
      expect(mentionsDay(text, t)).toBe(true);
    }
    for (const text of ['on 11 Sep', 'September 10', 'in August']) expect(mentionsDay(text, t)).toBe(false);
  });
});
