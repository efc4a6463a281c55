import { DEFAULT_OPTIONS, migrateOptions } from './options';

describe('migrateOptions', () => {
  it('fills defaults for a new panel', () => {
    expect(migrateOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions({})).toEqual(DEFAULT_OPTIONS);
  });

  it('upgrades v1 option names and a numeric severity threshold', () => {
    const v1 = { showBands: false, showForecasts: false, severityThreshold: 60, markerColors: { critical: '#ff0000' } };
    const o = migrateOptions(v1);
    expect(o.showBand).toBe(false);
    expect(o.showForecast).toBe(false);
    expect(o.minSeverity).toBe('major');
    expect(o.colors.critical).toBe('#ff0000');
    expect(o.colors.major).toBe(DEFAULT_OPTIONS.colors.major);
    expect(o.optionsVersion).toBe(3);
  });

  it("upgrades v2: the legend switch moves into Grafana's legend options, series colours give way to field config", () => {
    const v2 = {
      optionsVersion: 2,
      showLegend: false,
      colors: { series: 'text', band: 'blue', forecast: 'purple', critical: 'dark-red', major: 'orange' },
    };
    const o = migrateOptions(v2);
    expect(o.legend).toEqual({ ...DEFAULT_OPTIONS.legend, showLegend: false });
    expect(o.colors).toEqual({ ...DEFAULT_OPTIONS.colors, critical: 'dark-red' });
    expect(o.tooltip).toEqual(DEFAULT_OPTIONS.tooltip);
  });

  it('keeps valid current options and rejects an unknown severity', () => {
    const cur = {
      ...DEFAULT_OPTIONS,
      minSeverity: 'critical' as const,
      legend: { ...DEFAULT_OPTIONS.legend, placement: 'right' as const },
    };
    expect(migrateOptions(cur as unknown as Record<string, unknown>)).toEqual(cur);
    expect(migrateOptions({ minSeverity: 'apocalyptic' }).minSeverity).toBe('warning');
  });
});
