import { PanelPlugin } from '@grafana/data';

import { SEVERITIES } from '../../pkg/contract/rules';
import { DEFAULT_OPTIONS, migrateOptions, VigilPanelOptions } from './options';
import { VigilPanel } from './VigilPanel';

export const plugin = new PanelPlugin<VigilPanelOptions>(VigilPanel)
  .setMigrationHandler((panel) => migrateOptions(panel.options as unknown as Record<string, unknown> | undefined))
  .setPanelOptions((builder) =>
    builder
      .addBooleanSwitch({ path: 'showBand', name: 'Show band', defaultValue: DEFAULT_OPTIONS.showBand })
      .addBooleanSwitch({
        path: 'showExpected',
        name: 'Show expected value',
        defaultValue: DEFAULT_OPTIONS.showExpected,
      })
      .addBooleanSwitch({
        path: 'showForecast',
        name: 'Show forecast',
        description: 'Extends the time axis past the end of the range to the last forecast point',
        defaultValue: DEFAULT_OPTIONS.showForecast,
      })
      .addRadio({
        path: 'minSeverity',
        name: 'Minimum severity',
        description: 'Markers below this severity are hidden',
        defaultValue: DEFAULT_OPTIONS.minSeverity,
        settings: { options: [...SEVERITIES].reverse().map((s) => ({ value: s, label: s })) },
      })
      .addBooleanSwitch({ path: 'showLegend', name: 'Legend', defaultValue: DEFAULT_OPTIONS.showLegend })
      .addColorPicker({
        path: 'colors.series',
        name: 'Series',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.series,
      })
      .addColorPicker({
        path: 'colors.band',
        name: 'Band and expected',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.band,
      })
      .addColorPicker({
        path: 'colors.forecast',
        name: 'Forecast',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.forecast,
      })
      .addColorPicker({
        path: 'colors.critical',
        name: 'Critical',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.critical,
      })
      .addColorPicker({
        path: 'colors.major',
        name: 'Major',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.major,
      })
      .addColorPicker({
        path: 'colors.minor',
        name: 'Minor',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.minor,
      })
      .addColorPicker({
        path: 'colors.warning',
        name: 'Warning',
        category: ['Colours'],
        defaultValue: DEFAULT_OPTIONS.colors.warning,
      })
  );
