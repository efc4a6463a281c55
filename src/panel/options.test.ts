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
    expect(o.optionsVersion).toBe(2);
  });

  it('keeps valid current options and rejects an unknown severity', () => {
    const cur = { ...DEFAULT_OPTIONS, minSeverity: 'critical' as const, showLegend: false };
    expect(migrateOptions(cur as unknown as Record<string, unknown>)).toEqual(cur);
    expect(migrateOptions({ minSeverity: 'apocalyptic' }).minSeverity).toBe('warning');
  });
});
