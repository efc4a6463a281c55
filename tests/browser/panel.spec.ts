import type { DriftList as DriftResponse, StoredAnomaly } from '../../pkg/contract';
import type { DetectResponse } from '../../src/types';
import { engineApi } from './engine';
import { expect, env, proxied, resetDataSource, snap, test } from './fixtures';
import { bandPoints, fmt, pathPoints, utc } from './geometry';

// NAB art_daily_jumpsup: 2014-04-01 .. 2014-04-15, labelled anomaly at 2014-04-11 09:00
const FROM = Date.UTC(2014, 3, 1);
const TO = Date.UTC(2014, 3, 15);
const JUMPSUP = { refId: 'A', queryType: 'detect', source: { type: 'file', path: 'jumpsup.csv' }, interval: '5m' };
const WIDTH = 1000;
// the panel gets the harness chrome's inner width (WIDTH - 16); the plot leaves 48 px left and 12 px right
const PLOT_W = WIDTH - 16 - 48 - 12;

/** What the data source sends for JUMPSUP (sensitivity 6 of 10 -> 0.6), asked of the engine directly. */
function detectDirect(): Promise<DetectResponse> {
  return engineApi<DetectResponse>('POST', '/api/detect', {
    source: JUMPSUP.source,
    from: FROM,
    to: TO,
    interval: '5m',
    mode: 'majority',
    sensitivity: 0.6,
  });
}

async function mountPanel(page: import('@playwright/test').Page, o: Record<string, unknown>) {
  return page.evaluate(
    (opts) =>
      (
        window as never as { vigilHarness: { mountPanel(o: unknown): Promise<{ frames: number; errors: string[] }> } }
      ).vigilHarness.mountPanel(opts),
    o
  );
}

test.describe('overlay panel', () => {
  test('draws the series, the band and the markers where the engine says', async ({ harness: page }, testInfo) => {
    const expected = await detectDirect();
    expect(expected.anomalies.length).toBeGreaterThan(0);
    const res = await mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO, width: WIDTH, height: 360 });
    expect(res.errors).toEqual([]);
    await expect(page.getByTestId('vigil-chart')).toBeVisible();

    const line = pathPoints((await page.getByTestId('vigil-line').getAttribute('d'))!);
    const band = bandPoints((await page.getByTestId('vigil-band').getAttribute('d'))!);
    const pts = expected.series[0].points;
    const withValue = pts.filter((p) => p.value !== null);
    const withBand = pts.filter((p) => p.lower !== null && p.upper !== null);
    expect(line).toHaveLength(withValue.length);
    expect(band.upper).toHaveLength(withBand.length);

    // x: time maps linearly onto the plot width over the dashboard range
    // (checked in plain code and asserted once: thousands of traced expect() calls would slow the run)
    const xOff = withValue.filter((p, i) => Math.abs(line[i].x - ((p.t - FROM) / (TO - FROM)) * PLOT_W) > 0.06);
    expect(xOff).toEqual([]);
    // y: linear in the value (two reference points predict every other one)
    const a = withValue[0];
    const b = withValue.reduce((m, p) => (Math.abs(p.value! - a.value!) > Math.abs(m.value! - a.value!) ? p : m));
    const ia = withValue.indexOf(a);
    const ib = withValue.indexOf(b);
    const slope = (line[ib].y - line[ia].y) / (b.value! - a.value!);
    expect(slope).toBeLessThan(0); // larger values are drawn higher
    const yOf = (v: number) => line[ia].y + (v - a.value!) * slope;
    expect(withValue.filter((p, i) => Math.abs(line[i].y - yOf(p.value!)) > 0.2)).toEqual([]);
    // the band is drawn at the engine's lower and upper bounds
    expect(
      withBand.filter(
        (p, i) => Math.abs(band.upper[i].y - yOf(p.upper!)) > 0.2 || Math.abs(band.lower[i].y - yOf(p.lower!)) > 0.2
      )
    ).toEqual([]);

    // one marker per event, at the peak time and the actual value, coloured by severity
    const markers = page.getByTestId('vigil-marker');
    await expect(markers).toHaveCount(expected.anomalies.length);
    for (const ev of expected.anomalies) {
      const m = page.locator(`[data-testid="vigil-marker"][data-peak="${ev.peak}"]`);
      await expect(m).toHaveAttribute('data-severity', ev.severity);
      const cx = Number(await m.getAttribute('cx'));
      const cy = Number(await m.getAttribute('cy'));
      expect(Math.abs(cx - ((ev.peak - FROM) / (TO - FROM)) * PLOT_W)).toBeLessThanOrEqual(0.06);
      expect(Math.abs(cy - yOf(ev.actual))).toBeLessThanOrEqual(0.2);
    }
    // the labelled NAB anomaly (2014-04-11 09:00) is among them, above its band
    const labelled = expected.anomalies.find(
      (e) => e.start <= Date.UTC(2014, 3, 11, 9) && e.end >= Date.UTC(2014, 3, 11, 9)
    );
    expect(labelled).toBeDefined();
    expect(labelled!.actual).toBeGreaterThan(labelled!.expected);
    await expect(page.getByTestId('vigil-legend-anomalies')).toHaveText(
      `${expected.anomalies.length} ${expected.anomalies.length === 1 ? 'anomaly' : 'anomalies'}`
    );
    await snap(page, testInfo, 'panel-jumpsup', '[data-testid="harness-panel-chrome"]');
  });

  test('tooltip shows start, end, score, expected vs actual and every detector vote', async ({
    harness: page,
  }, testInfo) => {
    const expected = await detectDirect();
    const ev = expected.anomalies.reduce((m, e) => (e.score > m.score ? e : m));
    await mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO, width: WIDTH, height: 360 });
    await page.locator(`[data-testid="vigil-marker"][data-peak="${ev.peak}"]`).hover();
    const tip = page.getByTestId('vigil-tooltip');
    await expect(tip).toBeVisible();
    await expect(page.getByTestId('vigil-tooltip-start')).toHaveText(utc(ev.start));
    await expect(page.getByTestId('vigil-tooltip-end')).toHaveText(utc(ev.end));
    await expect(page.getByTestId('vigil-tooltip-score')).toHaveText(`${Math.round(ev.score)} (${ev.severity})`);
    await expect(page.getByTestId('vigil-tooltip-values')).toHaveText(
      `${fmt(ev.expected)} / ${fmt(ev.actual)} (${ev.direction})`
    );
    const votes = page.getByTestId('vigil-tooltip-votes');
    for (const [d, s] of Object.entries(ev.detectors)) {
      await expect(votes.locator(`[data-detector="${d}"]`)).toContainText(String(Math.round(s)));
    }
    await expect(votes.locator('[data-detector]')).toHaveCount(Object.keys(ev.detectors).length);
    // an ad-hoc anomaly is not stored, so the tooltip says how to give feedback instead of offering buttons
    await expect(tip).toContainText('Save this query as a job to give feedback');
    // the tooltip never covers its marker, and moving into it keeps it open
    const mb = (await page.locator(`[data-testid="vigil-marker"][data-peak="${ev.peak}"]`).boundingBox())!;
    const tb = (await tip.boundingBox())!;
    expect(mb.x + mb.width <= tb.x || tb.x + tb.width <= mb.x).toBe(true);
    await tip.hover();
    await expect(tip).toBeVisible();
    await snap(page, testInfo, 'panel-tooltip', '[data-testid="harness-panel-chrome"]');
  });

  test('options: minimum severity hides weaker markers, the band can be hidden', async ({ harness: page }) => {
    const expected = await detectDirect();
    const critical = expected.anomalies.filter((e) => e.severity === 'critical').length;
    await mountPanel(page, {
      targets: [JUMPSUP],
      from: FROM,
      to: TO,
      options: { minSeverity: 'critical', showBand: false },
    });
    await expect(page.getByTestId('vigil-chart')).toBeVisible();
    await expect(page.getByTestId('vigil-marker')).toHaveCount(critical);
    await expect(page.getByTestId('vigil-band')).toHaveCount(0);
  });

  test('"Mark as false positive" reaches the engine and updates the marker; the token stays on the server', async ({
    harness: page,
  }, testInfo) => {
    const jobId = env('VIGIL_JOB_ID');
    const anomalyId = env('VIGIL_ANOMALY_ID');
    const headers: string[] = [];
    page.on('request', (r) => headers.push(JSON.stringify(r.headers())));
    const now = Date.now();
    await mountPanel(page, {
      targets: [{ refId: 'A', queryType: 'job', jobId }],
      from: now - 2 * 86400000,
      to: now,
      width: WIDTH,
      height: 360,
    });
    const marker = page.locator(`[data-testid="vigil-marker"][data-id="${anomalyId}"]`);
    await expect(marker).toHaveAttribute('data-feedback', '');
    await marker.click();
    await snap(page, testInfo, 'panel-job-tooltip', '[data-testid="harness-panel-chrome"]');
    await page.getByRole('button', { name: 'Mark as false positive' }).click();
    await expect(page.getByTestId('vigil-tooltip-verdict')).toHaveText(/Marked as false positive/);
    await expect(marker).toHaveAttribute('data-feedback', 'false_positive');

    const { feedback } = await engineApi<{ feedback: Array<{ anomalyId: string; verdict: string; jobId?: string }> }>(
      'GET',
      '/api/feedback'
    );
    expect(feedback).toEqual(
      expect.arrayContaining([expect.objectContaining({ anomalyId, verdict: 'false_positive' })])
    );
    const { anomalies } = await engineApi<{ anomalies: StoredAnomaly[] }>(
      'GET',
      `/api/jobs/${jobId}/anomalies?includeSuppressed=true`
    );
    expect(anomalies.find((a) => a.id === anomalyId)?.feedback?.verdict).toBe('false_positive');

    const log = await proxied();
    expect(log).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: `/api/anomalies/${anomalyId}/feedback`, status: 200, authorization: true },
      ])
    );
    expect(headers.join('\n')).not.toContain(env('VIGIL_ENGINE_TOKEN'));
    await snap(page, testInfo, 'panel-feedback', '[data-testid="harness-panel-chrome"]');
  });

  test('forecast is drawn past "now", dashed, in its own colour', async ({ harness: page }, testInfo) => {
    const now = Date.now();
    const from = now - 86400000;
    await mountPanel(page, {
      targets: [
        { refId: 'A', queryType: 'detect', source: { type: 'file', path: 'synthetic.csv' }, interval: '5m' },
        {
          refId: 'B',
          queryType: 'forecast',
          source: { type: 'file', path: 'synthetic.csv' },
          interval: '5m',
          horizon: 48,
          method: 'ets',
        },
      ],
      from,
      to: now,
      width: WIDTH,
      height: 360,
    });
    const fc = page.getByTestId('vigil-forecast-line');
    await expect(fc).toHaveCount(1);
    await expect(fc).toHaveAttribute('stroke-dasharray', /\d/);
    const fpts = pathPoints((await fc.getAttribute('d'))!);
    expect(fpts).toHaveLength(48);
    const nowX = Number(await page.locator('[data-testid="vigil-now"] line').getAttribute('x1'));
    expect(nowX).toBeLessThan(PLOT_W);
    // the series ends at "now"; the forecast starts after the series' last bucket (which began before "now")
    // and runs past "now" to the right edge of the plot
    const line = pathPoints((await page.getByTestId('vigil-line').getAttribute('d'))!);
    const lastX = Math.max(...line.map((p) => p.x));
    expect(lastX).toBeLessThanOrEqual(nowX + 0.5);
    expect(fpts[0].x).toBeGreaterThan(lastX);
    expect(fpts.filter((p) => p.x > nowX).length).toBeGreaterThanOrEqual(47);
    expect(Math.abs(fpts[fpts.length - 1].x - PLOT_W)).toBeLessThanOrEqual(0.1);
    expect(await fc.getAttribute('stroke')).not.toBe(await page.getByTestId('vigil-line').getAttribute('stroke'));
    await snap(page, testInfo, 'panel-forecast', '[data-testid="harness-panel-chrome"]');
  });

  test('drift badge shows the engine’s drift status and p-value', async ({ harness: page }, testInfo) => {
    const jobId = env('VIGIL_JOB_ID');
    const drift = await engineApi<DriftResponse>('GET', '/api/drift');
    const mine = drift.jobs.find((j) => j.jobId === jobId)!;
    expect(mine).toBeDefined();
    const now = Date.now();
    await mountPanel(page, {
      targets: [
        { refId: 'A', queryType: 'job', jobId },
        { refId: 'B', queryType: 'drift', jobId },
      ],
      from: now - 86400000,
      to: now,
    });
    const badge = page.getByTestId('vigil-drift-badge');
    await expect(badge).toHaveText(
      mine.drifting ? `Drifting: ${mine.name} (p=${fmt(mine.pValue!)})` : `No drift (p=${fmt(mine.pValue!)})`
    );
    await snap(page, testInfo, 'panel-drift', '[data-testid="harness-panel-chrome"]');
  });

  test('loading, no data and error states', async ({ harness: page }, testInfo) => {
    const pending = mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO, holdMs: 2000 });
    await expect(page.getByTestId('vigil-panel-loading')).toBeVisible();
    await pending;
    await expect(page.getByTestId('vigil-chart')).toBeVisible();

    await mountPanel(page, { targets: [JUMPSUP], from: Date.UTC(2020, 0, 1), to: Date.UTC(2020, 0, 2) });
    await expect(page.getByTestId('data-testid Panel data error message')).toHaveText('No data');
    await snap(page, testInfo, 'panel-no-data', '[data-testid="harness-panel-chrome"]');

    const res = await mountPanel(page, {
      targets: [{ ...JUMPSUP, source: { type: 'file', path: 'missing.csv' } }],
      from: FROM,
      to: TO,
    });
    expect(res.errors[0]).toContain('file "missing.csv" not found');
    await expect(page.getByTestId('vigil-panel-error')).toContainText('file "missing.csv" not found');
    await snap(page, testInfo, 'panel-error', '[data-testid="harness-panel-chrome"]');

    await resetDataSource({ url: 'http://127.0.0.1:9' }, { token: env('VIGIL_ENGINE_TOKEN') });
    await mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO });
    await expect(page.getByTestId('vigil-panel-error')).toContainText('could not reach the engine');
  });
});
