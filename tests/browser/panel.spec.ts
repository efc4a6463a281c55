import type { Locator, Page } from '@playwright/test';
import type { DriftList as DriftResponse, StoredAnomaly } from '../../pkg/contract';
import type { DetectResponse } from '../../src/types';
import { engineApi } from './engine';
import { expect, env, proxied, resetDataSource, snap, test } from './fixtures';
import { fmt, utc } from './geometry';
import { hoverAt, markerCentre, mountPanel, pinTooltip, plotScales } from './panelHelpers';

// NAB art_daily_jumpsup: 2014-04-01 .. 2014-04-15, labelled anomaly at 2014-04-11 09:00
const FROM = Date.UTC(2014, 3, 1);
const TO = Date.UTC(2014, 3, 15);
const JUMPSUP = { refId: 'A', queryType: 'detect', source: { type: 'file', path: 'jumpsup.csv' }, interval: '5m' };
const WIDTH = 1000;

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

/** The verdict the engine stored on the synthetic job's anomaly (undefined: none). */
async function storedVerdict(): Promise<string | undefined> {
  const { anomalies } = await engineApi<{ anomalies: StoredAnomaly[] }>(
    'GET',
    `/api/jobs/${env('VIGIL_JOB_ID')}/anomalies?includeSuppressed=true`
  );
  return anomalies.find((a) => a.id === env('VIGIL_ANOMALY_ID'))?.feedback?.verdict;
}

/**
 * The synthetic job's results over the last `spanMs` in a panel, its anomaly first cleared of any verdict (whatever
 * ran before: a repeat of a test, roles.spec's feedback); returns the anomaly's marker.
 */
async function mountJobAnomaly(page: Page, spanMs: number): Promise<Locator> {
  const anomalyId = env('VIGIL_ANOMALY_ID');
  await engineApi('DELETE', `/api/anomalies/${anomalyId}/feedback`).catch(() => undefined);
  const now = Date.now();
  await mountPanel(page, {
    targets: [{ refId: 'A', queryType: 'job', jobId: env('VIGIL_JOB_ID') }],
    from: now - spanMs,
    to: now,
    width: WIDTH,
    height: 360,
  });
  return page.locator(`[data-testid="vigil-marker"][data-id="${anomalyId}"]`);
}

test.describe('overlay panel', () => {
  test('Grafana time series plot with a marker per anomaly at its peak and actual value', async ({
    harness: page,
  }, testInfo) => {
    const expected = await detectDirect();
    expect(expected.anomalies.length).toBeGreaterThan(0);
    const res = await mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO, width: WIDTH, height: 360 });
    expect(res.errors).toEqual([]);
    await expect(page.getByTestId('vigil-panel')).toBeVisible();
    // the series in Grafana's legend (band, expected value and anomaly score stay out of it)
    const legend = page.locator('[data-testid^="data-testid VizLegend series "]');
    await expect(legend).toHaveCount(1);

    // the plot spans the dashboard's range; y covers every value and band bound
    const s = await plotScales(page);
    expect(s.xMin).toBe(FROM);
    expect(s.xMax).toBe(TO);
    const pts = expected.series[0].points;
    const highest = Math.max(...pts.flatMap((p) => [p.value ?? -Infinity, p.upper ?? -Infinity]));
    const lowest = Math.min(...pts.flatMap((p) => [p.value ?? Infinity, p.lower ?? Infinity]));
    expect(s.yMax).toBeGreaterThanOrEqual(highest);
    expect(s.yMin).toBeLessThanOrEqual(lowest);

    // one marker per event, at the peak time and the actual value on the plot's scales, coloured by severity
    const markers = page.getByTestId('vigil-marker');
    await expect(markers).toHaveCount(expected.anomalies.length);
    for (const ev of expected.anomalies) {
      const m = page.locator(`[data-testid="vigil-marker"][data-peak="${ev.peak}"]`);
      await expect(m).toHaveAttribute('data-severity', ev.severity);
      const left = Number(await m.getAttribute('data-left'));
      const top = Number(await m.getAttribute('data-top'));
      expect(Math.abs(left - ((ev.peak - s.xMin) / (s.xMax - s.xMin)) * s.width)).toBeLessThanOrEqual(1);
      expect(Math.abs(top - ((s.yMax - ev.actual) / (s.yMax - s.yMin)) * s.height)).toBeLessThanOrEqual(1);
    }
    // the labelled NAB anomaly (2014-04-11 09:00) is among them, above its band
    const labelled = expected.anomalies.find(
      (e) => e.start <= Date.UTC(2014, 3, 11, 9) && e.end >= Date.UTC(2014, 3, 11, 9)
    );
    expect(labelled).toBeDefined();
    expect(labelled!.actual).toBeGreaterThan(labelled!.expected);
    await snap(page, testInfo, 'panel-jumpsup', '[data-testid="harness-panel-chrome"]');
  });

  test('tooltip at an anomaly: the series value with its band, then start, end, score, expected vs actual and every detector vote', async ({
    harness: page,
  }, testInfo) => {
    const expected = await detectDirect();
    const ev = expected.anomalies.reduce((m, e) => (e.score > m.score ? e : m));
    await mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO, width: WIDTH, height: 360 });
    const marker = page.locator(`[data-testid="vigil-marker"][data-peak="${ev.peak}"]`);
    await hoverAt(page, await markerCentre(marker));
    const tip = page.getByTestId('vigil-tooltip');
    await expect(tip).toBeVisible();
    await expect(tip).toHaveAttribute('data-peak', String(ev.peak));
    await expect(page.getByTestId('vigil-tooltip-row').first()).toContainText('expected');
    await expect(page.getByTestId('vigil-tooltip-start')).toHaveText(utc(ev.start));
    await expect(page.getByTestId('vigil-tooltip-end')).toHaveText(utc(ev.end));
    await expect(page.getByTestId('vigil-tooltip-score')).toHaveText(`${Math.round(ev.score)} (${ev.severity})`);
    await expect(page.getByTestId('vigil-tooltip-values')).toHaveText(
      `${fmt(ev.expected)} / ${fmt(ev.actual)} (${ev.direction})`
    );
    const votes = page.getByTestId('vigil-tooltip-votes');
    for (const [d, score] of Object.entries(ev.detectors)) {
      await expect(votes.locator(`[data-detector="${d}"]`)).toContainText(String(Math.round(score)));
    }
    await expect(votes.locator('[data-detector]')).toHaveCount(Object.keys(ev.detectors).length);
    // an ad-hoc anomaly is not stored: the tooltip offers to save the query as a job, prefilled from the query
    const save = page.getByTestId('vigil-save-as-job');
    await expect(save).toBeVisible();
    const href = decodeURIComponent((await save.getAttribute('href'))!);
    expect(href).toContain('/a/vigil-anomaly-app/jobs/new?spec=');
    const spec = JSON.parse(href.slice(href.indexOf('spec=') + 5)) as Record<string, unknown>;
    expect(spec).toMatchObject({ source: JUMPSUP.source, interval: '5m', name: 'jumpsup.csv' });
    await snap(page, testInfo, 'panel-tooltip', '[data-testid="harness-panel-chrome"]');
    // the link opens the new-job page filled in from the query
    await page.evaluate(
      (path) =>
        (window as never as { vigilHarness: { mountApp(o: { path: string }): Promise<void> } }).vigilHarness.mountApp({
          path,
        }),
      href.slice(href.indexOf('/a/'))
    );
    await expect(page.getByTestId('vigil-job-name')).toHaveValue('jumpsup.csv');
    await expect(page.getByTestId('vigil-job-interval')).toHaveValue('5m');
    await expect(page.getByTestId('vigil-job-file')).toHaveValue('jumpsup.csv');
  });

  test('options: minimum severity hides weaker markers', async ({ harness: page }) => {
    const expected = await detectDirect();
    const critical = expected.anomalies.filter((e) => e.severity === 'critical').length;
    await mountPanel(page, {
      targets: [JUMPSUP],
      from: FROM,
      to: TO,
      options: { minSeverity: 'critical', showBand: false },
    });
    await expect(page.getByTestId('vigil-panel')).toBeVisible();
    await expect(page.getByTestId('vigil-marker')).toHaveCount(critical);
  });

  test('confirm, mark as false positive and undo reach the engine; the token stays on the server', async ({
    harness: page,
  }, testInfo) => {
    const anomalyId = env('VIGIL_ANOMALY_ID');
    const headers: string[] = [];
    page.on('request', (r) => headers.push(JSON.stringify(r.headers())));
    const marker = await mountJobAnomaly(page, 2 * 86400000);
    await expect(marker).toHaveAttribute('data-feedback', '');
    // two days of 5-minute points lie under 2 px apart: a pointer 3 px beside the marker is over a neighbouring point
    // far below the spike, and still shows and pins the anomaly's own point
    const at = await markerCentre(marker);
    await pinTooltip(page, { x: at.x - 3, y: at.y }, 'Mark as false positive');
    await expect(page.getByTestId('vigil-tooltip')).toHaveAttribute('data-id', anomalyId);
    await snap(page, testInfo, 'panel-job-tooltip', '[data-testid="harness-panel-chrome"]');
    await page.getByRole('button', { name: 'Mark as false positive' }).click();
    await expect(page.getByTestId('vigil-tooltip-verdict')).toHaveText(/Marked as false positive/);
    await expect(marker).toHaveAttribute('data-feedback', 'false_positive');
    expect(await storedVerdict()).toBe('false_positive');
    await snap(page, testInfo, 'panel-feedback', '[data-testid="harness-panel-chrome"]');

    // undo: the verdict is removed from the engine, the marker is open again and can be confirmed
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(marker).toHaveAttribute('data-feedback', '');
    expect(await storedVerdict()).toBeUndefined();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByTestId('vigil-tooltip-verdict')).toHaveText(/Confirmed as an anomaly/);
    expect(await storedVerdict()).toBe('confirmed');

    const log = await proxied();
    expect(log).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: `/api/anomalies/${anomalyId}/feedback`, status: 200, authorization: true },
        { method: 'DELETE', path: `/api/anomalies/${anomalyId}/feedback`, status: 200, authorization: true },
      ])
    );
    expect(headers.join('\n')).not.toContain(env('VIGIL_ENGINE_TOKEN'));
  });

  test('feedback says what it did for a few seconds, clear of the axes; a refused call says why in the tooltip and changes nothing', async ({
    harness: page,
  }, testInfo) => {
    const marker = await mountJobAnomaly(page, 12 * 3600000);
    await pinTooltip(page, await markerCentre(marker), 'Confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    const done = page.getByTestId('vigil-feedback-done');
    await expect(done).toHaveText('Confirmed as an anomaly');
    // the notice sits right of the y axis' tick labels and left of the plot's right edge
    const notice = (await done.boundingBox())!;
    const overlay = (await page.getByTestId('vigil-overlay').boundingBox())!;
    expect(notice.x).toBeGreaterThan(overlay.x);
    expect(notice.x + notice.width).toBeLessThan(overlay.x + overlay.width);
    await snap(page, testInfo, 'panel-feedback-notice', '[data-testid="harness-panel-chrome"]');
    await expect(done).toBeHidden({ timeout: 10_000 });

    // the engine cannot be reached through the proxy: the undo is refused, the verdict stays, the tooltip says why
    await page.route('**/api/anomalies/*/feedback', (route) => route.fulfill({ status: 502, body: '' }));
    await page.getByRole('button', { name: 'Undo' }).click();
    const error = page.getByTestId('vigil-feedback-error');
    await expect(error).toHaveText(/Undoing the feedback: .*502/);
    await expect(error).toHaveAttribute('role', 'alert');
    await expect(page.getByTestId('vigil-tooltip-verdict')).toHaveText(/Confirmed as an anomaly/);
    expect(await storedVerdict()).toBe('confirmed');
    await snap(page, testInfo, 'panel-feedback-error', '[data-testid="harness-panel-chrome"]');
    // once the engine answers again, the same button works and the error goes
    await page.unroute('**/api/anomalies/*/feedback');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(error).toBeHidden();
    await expect(page.getByTestId('vigil-feedback-done')).toHaveText('Feedback removed');
  });

  test('forecast runs past "now" to its last point, in its series\' colour, dashed', async ({
    harness: page,
  }, testInfo) => {
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
    const s = await plotScales(page);
    // the x axis is extended from "now" to the last forecast point (48 buckets of 5 minutes after the last one)
    expect(s.xMin).toBe(from);
    expect(s.xMax).toBeGreaterThan(now + 46 * 300_000);
    expect(s.xMax).toBeLessThanOrEqual(now + 49 * 300_000);
    const nowX = Number(await page.getByTestId('vigil-now').getAttribute('data-left'));
    expect(Math.abs(nowX - ((now - s.xMin) / (s.xMax - s.xMin)) * s.width)).toBeLessThanOrEqual(1);
    // the forecast is not a series of its own in the legend
    await expect(page.locator('[data-testid^="data-testid VizLegend series "]')).toHaveCount(1);
    await snap(page, testInfo, 'panel-forecast', '[data-testid="harness-panel-chrome"]');
  });

  test('drift badge names the job with the engine’s drift status and p-value', async ({ harness: page }, testInfo) => {
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
    const p =
      mine.pValue! !== 0 && mine.pValue! < 1e-3
        ? mine.pValue!.toExponential(1)
        : String(Number(mine.pValue!.toPrecision(2)));
    await expect(badge).toHaveText(
      mine.drifting ? `Drifting: ${mine.name} (p=${p})` : `No drift: ${mine.name} (p=${p})`
    );
    // the badge sits over the plot, not in a row of its own: the panel is as tall as the plot
    const panel = (await page.getByTestId('vigil-panel').boundingBox())!;
    const b = (await badge.boundingBox())!;
    expect(b.y).toBeGreaterThanOrEqual(panel.y);
    expect(b.y + b.height).toBeLessThan(panel.y + 40);
    await snap(page, testInfo, 'panel-drift', '[data-testid="harness-panel-chrome"]');
  });

  test('loading, no data and error states', async ({ harness: page }, testInfo) => {
    const pending = mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO, holdMs: 2000 });
    await expect(page.getByTestId('vigil-panel-loading')).toBeVisible();
    await pending;
    await expect(page.getByTestId('vigil-panel')).toBeVisible();

    await mountPanel(page, { targets: [JUMPSUP], from: Date.UTC(2020, 0, 1), to: Date.UTC(2020, 0, 2) });
    await expect(page.getByTestId('data-testid Panel data error message')).toHaveText('No data');
    await snap(page, testInfo, 'panel-no-data', '[data-testid="harness-panel-chrome"]');

    const res = await mountPanel(page, {
      targets: [{ ...JUMPSUP, source: { type: 'file', path: 'missing.csv' } }],
      from: FROM,
      to: TO,
    });
    expect(res.errors[0]).toContain('file "missing.csv" not found');
    const error = page.getByTestId('vigil-panel-error');
    await expect(error).toContainText('file "missing.csv" not found');
    // the icon sits against its text (same line, a few px apart)
    const icon = (await error.locator('svg').first().boundingBox())!;
    const text = (await error.getByText('file "missing.csv" not found').boundingBox())!;
    expect(text.x - (icon.x + icon.width)).toBeLessThanOrEqual(12);
    expect(Math.abs(icon.y - text.y)).toBeLessThanOrEqual(12);
    await snap(page, testInfo, 'panel-error', '[data-testid="harness-panel-chrome"]');

    await resetDataSource({ url: 'http://127.0.0.1:9' }, { token: env('VIGIL_ENGINE_TOKEN') });
    await mountPanel(page, { targets: [JUMPSUP], from: FROM, to: TO });
    await expect(page.getByTestId('vigil-panel-error')).toContainText('could not reach the engine');
  });
});
