import type { OutlierResult } from '../../pkg/contract';
import { engineApi, PEER_HOSTS, PEER_OUTLIER } from './engine';
import { expect, snap, snapThemes, test } from './fixtures';
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
});
