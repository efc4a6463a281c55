import type { Incident, Job, JobExport, OutlierResult, StoredAnomaly } from '../../pkg/contract';
import { engineApi, PEER_HOSTS, PEER_OUTLIER } from './engine';
import { expect, pickRadio, snap, snapThemes, test } from './fixtures';
import { canvasColourCounts, legendItems, mountPanel, plotScales } from './panelHelpers';

const DAY = 86_400_000;
const PEERS = {
  refId: 'A',
  queryType: 'outliers',
  source: { type: 'file', path: 'peers.csv', valueField: 'cpu', labelFields: ['host'] },
  interval: '5m',
};
const name = (h: string) => `cpu{host="${h}"}`;

/** The last two days of the ten web servers; the engine's own answer (sensitivity 6 of 10 -> 0.6, DBSCAN). */
async function peers() {
  const to = Date.now();
  const from = to - 2 * DAY;
  const expected = await engineApi<OutlierResult>('POST', '/api/outliers', {
    source: PEERS.source,
    from,
    to,
    interval: '5m',
    sensitivity: 0.6,
  });
  return { from, to, expected };
}

test.describe('peer-group outliers', () => {
  test('ten web servers, one leaves the group: drawn thick in red over grey peers and the band, its period shaded, in both themes', async ({
    harness: page,
  }, testInfo) => {
    const { from, to, expected } = await peers();
    expect(expected.algorithm).toBe('dbscan');
    expect(expected.series).toHaveLength(10);
    const outliers = expected.series.filter((s) => s.outlier);
    expect(outliers.map((s) => s.labels.host)).toEqual([PEER_OUTLIER]);
    const intervals = outliers[0].intervals;
    expect(intervals.length).toBeGreaterThanOrEqual(1);
    await snapThemes(
      page,
      testInfo,
      'panel-outliers',
      async () => {
        const res = await mountPanel(page, { targets: [PEERS], from, to, width: 1000, height: 360 });
        expect(res.errors).toEqual([]);
        await expect(page.getByTestId('vigil-panel')).toBeVisible();
        // every server in the legend, the outlier last and named so, in a colour of its own; the peers share grey
        const legend = await legendItems(page);
        const peersInOrder = PEER_HOSTS.filter((h) => h !== PEER_OUTLIER).map(name);
        expect(legend.map((l) => l.name)).toEqual([...peersInOrder, `${name(PEER_OUTLIER)} (outlier)`]);
        const grey = legend[0].colour;
        expect(new Set(legend.slice(0, 9).map((l) => l.colour))).toEqual(new Set([grey]));
        const red = legend[9].colour;
        expect(red).not.toBe(grey);
        // both drawn on the plot; the outlier's thick line covers more pixels than any one peer's could
        const [redPx, greyPx] = await canvasColourCounts(page, [red, grey]);
        expect(greyPx).toBeGreaterThan(500);
        expect(redPx).toBeGreaterThan(1500);
        // one shaded period per outlying interval, at its times on the plot's x scale
        const shades = page.getByTestId('vigil-outlier-period');
        await expect(shades).toHaveCount(intervals.length);
        const s = await plotScales(page);
        for (const [i, iv] of intervals.entries()) {
          const shade = shades.nth(i);
          await expect(shade).toHaveAttribute('data-series', `${name(PEER_OUTLIER)} (outlier)`);
          await expect(shade).toHaveAttribute('data-start', String(iv.start));
          const x0 = Number(await shade.getAttribute('data-x0'));
          expect(Math.abs(x0 - ((iv.start - s.xMin) / (s.xMax - s.xMin)) * s.width)).toBeLessThanOrEqual(1);
        }
      },
      '[data-testid="harness-panel-chrome"]'
    );
  });

  test('the same frames in Grafana’s stock time series panel: ten series, the outlier’s period as an annotation region', async ({
    harness: page,
  }, testInfo) => {
    const { from, to, expected } = await peers();
    const intervals = expected.series.filter((s) => s.outlier).flatMap((s) => s.intervals);
    await snapThemes(
      page,
      testInfo,
      'timeseries-stock-outliers',
      async () => {
        const res = await mountPanel(page, { targets: [PEERS], from, to, width: 1000, height: 360, viz: 'timeseries' });
        expect(res.errors).toEqual([]);
        await expect(page.getByTestId('harness-timeseries')).toBeVisible();
        const legend = await legendItems(page);
        expect(legend).toHaveLength(10);
        expect(legend[9].name).toBe(`${name(PEER_OUTLIER)} (outlier)`);
        const [redPx] = await canvasColourCounts(page, [legend[9].colour]);
        expect(redPx).toBeGreaterThan(1500);
        await expect(page.getByTestId('harness-annotation')).toHaveCount(intervals.length);
      },
      '[data-testid="harness-panel-chrome"]'
    );
  });

  test('MAD: the same outlier, against the group’s median and its band of 3.5 robust standard deviations', async ({
    harness: page,
  }, testInfo) => {
    const to = Date.now();
    const from = to - 2 * DAY;
    const expected = await engineApi<OutlierResult>('POST', '/api/outliers', {
      source: PEERS.source,
      from,
      to,
      interval: '5m',
      sensitivity: 0.6,
      algorithm: 'mad',
    });
    expect(expected.series.filter((s) => s.outlier).map((s) => s.labels.host)).toEqual([PEER_OUTLIER]);
    const res = await mountPanel(page, {
      targets: [{ ...PEERS, algorithm: 'mad' }],
      from,
      to,
      width: 1000,
      height: 360,
    });
    expect(res.errors).toEqual([]);
    const periods = expected.series.flatMap((s) => s.intervals);
    await expect(page.getByTestId('vigil-outlier-period')).toHaveCount(periods.length);
    await snap(page, testInfo, 'panel-outliers-mad-dark', '[data-testid="harness-panel-chrome"]');
  });

  test('an ad-hoc Peer outliers query saved as a job: the editor makes an outliers job (MAD, its sensitivity), listed with its kind, kept by edit, export and import, whose run raises one event naming the outlier', async ({
    harness: page,
  }, testInfo) => {
    type Harness = {
      vigilHarness: { mountQueryEditor(o: unknown): Promise<void>; mountApp(o: unknown): Promise<void> };
    };
    const mountApp = (p: string) =>
      page.evaluate((path) => (window as never as Harness).vigilHarness.mountApp({ path }), p);
    const { from, to } = await peers();
    await page.evaluate((o) => (window as never as Harness).vigilHarness.mountQueryEditor(o), {
      query: { ...PEERS, algorithm: 'mad', sensitivity: 6 },
      from,
      to,
    });
    // the query editor offers to save the ad-hoc query as a job, of the outliers kind
    const save = page.getByTestId('vigil-query-save-as-job');
    await expect(save).toBeVisible();
    const href = decodeURIComponent((await save.getAttribute('href'))!);
    expect(href).toContain('/a/vigil-anomaly-app/jobs/new?spec=');
    expect(JSON.parse(href.slice(href.indexOf('spec=') + 5))).toEqual({
      name: 'peers.csv',
      kind: 'outliers',
      source: PEERS.source,
      interval: '5m',
      outliers: { algorithm: 'mad', sensitivity: 0.6 },
    });

    // the new-job page opens on that kind, with the query's options, and hides the detection-only fields
    await mountApp(href.slice(href.indexOf('/a/')));
    const kind = (name: string) => page.getByRole('radio', { name, exact: true });
    await expect(kind('Peer-group outliers')).toBeChecked();
    await expect(kind('MAD')).toBeChecked();
    const sensitivity = page.getByTestId('vigil-job-outlier-sensitivity');
    await expect(sensitivity).toHaveValue('0.6');
    await expect(page.locator('#vigil-job-detectors')).toHaveCount(0);
    await expect(page.getByTestId('vigil-job-threshold')).toHaveCount(0);
    await expect(kind('majority')).toHaveCount(0);
    // a detection job shows them, and not the outlier options; back to outliers, the options are as they were
    await pickRadio(page, 'Detection');
    await expect(page.locator('#vigil-job-detectors')).toBeVisible();
    await expect(page.getByTestId('vigil-job-threshold')).toBeVisible();
    await expect(sensitivity).toHaveCount(0);
    await pickRadio(page, 'Peer-group outliers');
    await expect(sensitivity).toHaveValue('0.6');
    await expect(kind('MAD')).toBeChecked();

    const problem = page.getByTestId('vigil-job-problem');
    await sensitivity.fill('1.5');
    await expect(problem).toHaveText('Sensitivity must be between 0 and 1');
    await sensitivity.fill('0.6');
    await expect(problem).toHaveCount(0);
    await page.getByTestId('vigil-job-name').fill('web peers from the editor');
    await page.getByTestId('vigil-job-training').fill('1d');

    // its backtest: what the group would have flagged over the last day
    await page.getByRole('button', { name: 'Backtest' }).click();
    const preview = page.getByTestId('vigil-outlier-preview');
    await expect(preview).toContainText('1 of 10 series unlike their peers (MAD, sensitivity 0.6)');
    await expect(preview.locator('tbody tr')).toHaveCount(1);
    await expect(preview.locator('tbody tr')).toContainText(name(PEER_OUTLIER));
    await snap(page, testInfo, 'app-job-outliers');

    await page.getByRole('button', { name: 'Create job' }).click();
    const table = page.getByTestId('vigil-jobs-table');
    await expect(table).toContainText('web peers from the editor');
    const { jobs } = await engineApi<{ jobs: Job[] }>('GET', '/api/jobs');
    const job = jobs.find((j) => j.name === 'web peers from the editor')!;
    const row = table.locator(`tr[data-job-id="${job.id}"]`);
    await expect(row.getByTestId('vigil-job-kind-cell')).toHaveText('peer outliers (MAD)');
    expect(job).toMatchObject({
      kind: 'outliers',
      source: PEERS.source,
      interval: '5m',
      trainingWindow: '1d',
      outliers: { algorithm: 'mad', sensitivity: 0.6 },
    });
    for (const k of ['detectors', 'mode', 'threshold'] as const) expect(job[k]).toBeUndefined();

    // editing it opens an outliers job; a new minimum duration is saved and the kind kept
    await row.getByRole('link', { name: 'web peers from the editor' }).click();
    await expect(kind('Peer-group outliers')).toBeChecked();
    await expect(kind('MAD')).toBeChecked();
    await expect(sensitivity).toHaveValue('0.6');
    await page.getByTestId('vigil-job-outlier-min-duration').fill('4');
    await page.getByRole('button', { name: 'Save job' }).click();
    await expect(table).toBeVisible();
    const edited = await engineApi<Job>('GET', `/api/jobs/${job.id}`);
    expect(edited).toMatchObject({
      kind: 'outliers',
      outliers: { algorithm: 'mad', sensitivity: 0.6, minDuration: 4 },
    });

    // export and import keep the kind and its options
    const exported = await engineApi<JobExport>('GET', `/api/jobs/${job.id}/export`);
    expect(exported.spec).toMatchObject({
      kind: 'outliers',
      outliers: { algorithm: 'mad', sensitivity: 0.6, minDuration: 4 },
    });
    await engineApi('POST', '/api/jobs/import?onConflict=replace', exported);
    const imported = await engineApi<Job>('GET', `/api/jobs/${job.id}`);
    expect(imported).toMatchObject({ kind: 'outliers', outliers: exported.spec.outliers });

    // the scheduler runs it: one event for the server that left the group, naming it and the algorithm, in an incident
    const anomalies = async () =>
      (await engineApi<{ anomalies: StoredAnomaly[] }>('GET', `/api/jobs/${job.id}/anomalies`)).anomalies;
    await expect.poll(async () => (await anomalies()).length, { timeout: 60_000 }).toBeGreaterThan(0);
    const events = await anomalies();
    expect(events).toHaveLength(1);
    expect(events[0].labels.host).toBe(PEER_OUTLIER);
    expect(Object.keys(events[0].detectors)).toEqual(['peer_mad']);
    expect(events[0].explanation).toContain(`${name(PEER_OUTLIER)} was unlike its 9 peers (MAD, sensitivity 0.6)`);
    const incidents = async () =>
      (
        await engineApi<{ incidents: Incident[] }>(
          'GET',
          `/api/incidents?job=${encodeURIComponent('web peers from the editor')}`
        )
      ).incidents;
    await expect.poll(async () => (await incidents()).length, { timeout: 30_000 }).toBe(1);
    expect((await incidents())[0].eventIds).toEqual([events[0].id]);
    await engineApi('DELETE', `/api/jobs/${job.id}`);
  });
});
