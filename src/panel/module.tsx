import { FieldColorModeId, FieldConfigProperty, PanelPlugin } from '@grafana/data';
import type { GraphFieldConfig } from '@grafana/schema';
import { commonOptionsBuilder, getGraphFieldOptions, LineInterpolation, PointVisibility } from '@grafana/ui';

import { SEVERITIES } from '../../pkg/contract/rules';
import { DEFAULT_OPTIONS, migrateOptions, VigilPanelOptions } from './options';
import { VigilPanel } from './VigilPanel';

/** Defaults of the line options, as Grafana's time series panel has them. */
export const DEFAULT_GRAPH_CONFIG: GraphFieldConfig = {
  lineWidth: 1,
  fillOpacity: 0,
  lineInterpolation: LineInterpolation.Linear,
  showPoints: PointVisibility.Never,
  pointSize: 5,
  spanNulls: false,
  axisPlacement: 'auto' as GraphFieldConfig['axisPlacement'],
  axisBorderShow: false,
};

export const plugin = new PanelPlugin<VigilPanelOptions, GraphFieldConfig>(VigilPanel)
  .setMigrationHandler((panel) => migrateOptions(panel.options as unknown as Record<string, unknown> | undefined))
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Color]: {
        settings: { byValueSupport: false, bySeriesSupport: true, preferThresholdsMode: false },
        defaultValue: { mode: FieldColorModeId.PaletteClassic },
      },
    },
    useCustomConfig: (builder) => {
      const opts = getGraphFieldOptions();
      builder
        .addSliderInput({
          path: 'lineWidth',
          name: 'Line width',
          defaultValue: DEFAULT_GRAPH_CONFIG.lineWidth,
          settings: { min: 0, max: 10, step: 1 },
        })
        .addSliderInput({
          path: 'fillOpacity',
          name: 'Fill opacity',
          defaultValue: DEFAULT_GRAPH_CONFIG.fillOpacity,
          settings: { min: 0, max: 100, step: 1 },
        })
        .addRadio({
          path: 'lineInterpolation',
          name: 'Line interpolation',
          defaultValue: DEFAULT_GRAPH_CONFIG.lineInterpolation,
          settings: { options: opts.lineInterpolation },
        })
        .addRadio({
          path: 'showPoints',
          name: 'Show points',
          defaultValue: DEFAULT_GRAPH_CONFIG.showPoints,
          settings: { options: opts.showPoints },
        })
        .addSliderInput({
          path: 'pointSize',
          name: 'Point size',
          defaultValue: DEFAULT_GRAPH_CONFIG.pointSize,
          settings: { min: 1, max: 40, step: 1 },
        })
        .addBooleanSwitch({
          path: 'spanNulls',
          name: 'Connect null values',
          defaultValue: false,
        });
      commonOptionsBuilder.addAxisConfig(builder, DEFAULT_GRAPH_CONFIG);
      commonOptionsBuilder.addHideFrom(builder);
    },
  })
  .setPanelOptions((builder) => {
    builder
      .addBooleanSwitch({
        path: 'showBand',
        name: 'Show band',
        description: "Each series' expected band, in that series' colour",
        category: ['Vigil'],
        defaultValue: DEFAULT_OPTIONS.showBand,
      })
      .addBooleanSwitch({
        path: 'showExpected',
        name: 'Show expected value',
        category: ['Vigil'],
        defaultValue: DEFAULT_OPTIONS.showExpected,
      })
      .addBooleanSwitch({
        path: 'showForecast',
        name: 'Show forecast',
        description: 'Extends the time axis past the end of the range to the last forecast point',
        category: ['Vigil'],
        defaultValue: DEFAULT_OPTIONS.showForecast,
      })
      .addRadio({
        path: 'minSeverity',
        name: 'Minimum severity',
        description: 'Markers below this severity are hidden',
        category: ['Vigil'],
        defaultValue: DEFAULT_OPTIONS.minSeverity,
        settings: { options: [...SEVERITIES].reverse().map((s) => ({ value: s, label: s })) },
      });
    for (const s of SEVERITIES) {
      builder.addColorPicker({
        path: `colors.${s}`,
        name: `${s[0].toUpperCase()}${s.slice(1)} markers`,
        category: ['Vigil'],
        defaultValue: DEFAULT_OPTIONS.colors[s],
      });
    }
    commonOptionsBuilder.addTooltipOptions(builder);
    commonOptionsBuilder.addLegendOptions(builder);
  });
