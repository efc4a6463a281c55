import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, WEBLOGS_FILE } from '../helpers/shared';
import type { Report } from '../../pkg/report/types';

const run = promisify(execFile);
const VIGIL = path.join(REPO_ROOT, 'bin', 'vigil.js');
/** Where the rendered pages are kept for people to look at (gitignored, like Playwright's screenshots). */
const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'report', 'weblogs');
const ARGS = ['--interval', '1h', '--status-field', 'response', '--client-field', 'clientip', '-q'];

function tool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${name} is not installed: run "bash scripts/ci-setup.sh poppler" (Debian's poppler-utils)`);
}

/**
 * The real-data check: `vigil report` on the two months of real web logs must write a PDF whose summary
 * names the two real incidents first (the 2018-09-01 error burst and the 2018-08-21 outage, see the README's
 * "What it finds in real data"), with recurring patterns and charts. The PDF's pages are rendered to PNG under
 * test-results/report/weblogs/ to be looked at, and its text is read back with pdftotext.
 */
describe('vigil report on the real web access logs', () => {
  let report: Report;
  let pdfText: string;
  let pages: string[];
  beforeAll(async () => {
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const pdf = path.join(ARTIFACTS, 'report.pdf');
    const json = path.join(ARTIFACTS, 'report.json');
    await Promise.all([
      run(process.execPath, [VIGIL, 'report', WEBLOGS_FILE, ...ARGS, '--format', 'pdf', '--out', pdf]),
      run(process.execPath, [VIGIL, 'report', WEBLOGS_FILE, ...ARGS, '--format', 'json', '--out', json]),
    ]);
    report = JSON.parse(fs.readFileSync(json, 'utf8')) as Report;
    await run(tool('pdftoppm'), ['-r', '80', '-png', pdf, path.join(ARTIFACTS, 'page')]);
    pages = fs
      .readdirSync(ARTIFACTS)
      .filter((f) => /^page-\d+\.png$/.test(f))
      .sort();
    pdfText = (await run(tool('pdftotext'), ['-layout', pdf, '-'])).stdout;
  }, 120_000);

  test('the summary names the error burst and then the outage, before anything else', () => {
    const first = report.summary.paragraphs[0];
    expect(first).toMatch(/^(Two|Three) incidents stand out\./);
    const burst = first.indexOf('Sat 1 Sep 2018 at 12:00 UTC');
    const outage = first.indexOf('Tue 21 Aug 2018 from 11:00 to 13:00 UTC');
    expect(burst).toBeGreaterThan(0);
    expect(outage).toBeGreaterThan(burst);
    expect(first).toContain('burst of errors');
    expect(first).toContain('apparent outage');
    const [a, b] = report.incidents;
    expect(new Date(a.start).toISOString()).toBe('2018-09-01T12:00:00.000Z');
    expect(new Date(b.start).toISOString()).toBe('2018-08-21T11:00:00.000Z');
    expect(report.headline).toEqual([a.id, b.id]);
    // the outage is one incident across the traffic series, not three
    expect(b.series.map((s) => s.name).sort()).toEqual(['bytes', 'requests', 'unique_clients']);
  });

  test('recurring patterns, features, detectors and the timeline are filled in', () => {
    expect(report.recurring.length).toBeGreaterThanOrEqual(1);
    for (const p of report.recurring) expect(p.days.length).toBeGreaterThanOrEqual(2);
    expect(report.topFeatures.length).toBeGreaterThanOrEqual(3);
    expect(report.detectors.length).toBeGreaterThanOrEqual(3);
    expect(report.timeline).toHaveLength(61);
    expect(report.totals.days).toBe(61);
  });

  test('the PDF reads in order: summary with both incidents on page 1, then charts and the incident table', () => {
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const pageTexts = pdfText.split('\f');
    const page1 = pageTexts[0].replace(/\s+/g, ' ');
    expect(page1).toContain('Summary');
    expect(page1.indexOf('Sat 1 Sep 2018 at 12:00 UTC')).toBeLessThan(page1.indexOf('Tue 21 Aug 2018'));
    expect(page1).toContain('Incidents per day');
    const all = pdfText.replace(/\s+/g, ' ');
    for (const heading of [
      'Incidents that stand out',
      '1. A burst of errors on Sat 1 Sep 2018',
      '2. An apparent outage on Tue 21 Aug 2018',
      'Recurring patterns',
      'Anomalies by day and hour (UTC)',
      'Top contributing features',
      "Each detector's share",
      'All incidents',
    ]) {
      expect(all).toContain(heading);
    }
    // every page is a real image with content (a blank A4 page at 80 dpi is under 10 kB)
    for (const p of pages) expect(fs.statSync(path.join(ARTIFACTS, p)).size).toBeGreaterThan(10_000);
  });
});
