/**
 * Grafana fills @grafana/data's option registries at start (`app/core/components/OptionsUI/registry.tsx`): the option
 * editors panels build their options from, and the standard field config (unit, min, max, decimals, display name, no
 * value, colour, thresholds, value mappings, data links) with the processors that apply defaults and overrides to
 * fields. The harness does the same with the same processors (editors are never drawn here), so a panel's field config
 * reaches its frames as in Grafana.
 */
import {
  booleanOverrideProcessor,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldConfigProperty,
  FieldConfigPropertyItem,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  StandardEditorsRegistryItem,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  ThresholdsMode,
  valueMappingsOverrideProcessor,
} from '@grafana/data';

function Noop() {
  return null;
}

const EDITOR_IDS = [
  'number',
  'slider',
  'text',
  'strings',
  'select',
  'multi-select',
  'radio',
  'boolean',
  'unit',
  'color',
  'fieldColor',
  'thresholds',
  'mappings',
  'links',
  'actions',
  'stats-picker',
  'field-name',
  'dashboard-uid',
  'timezone',
  'interval',
  'inline-switch',
  'data-links',
];

const num = (f: { type: FieldType }) => f.type === FieldType.number;
const all = () => true;

function property(
  id: string,
  process: FieldConfigPropertyItem['process'],
  shouldApply: FieldConfigPropertyItem['shouldApply'],
  defaultValue?: unknown
): FieldConfigPropertyItem {
  return {
    id,
    path: id,
    name: id,
    editor: Noop as never,
    override: Noop as never,
    process,
    shouldApply,
    defaultValue,
    settings: {},
  };
}

/** Fill the registries once (before any panel plugin builds its options). */
export function initOptionRegistries(): void {
  standardEditorsRegistry.setInit(
    () => EDITOR_IDS.map((id) => ({ id, name: id, editor: Noop })) as unknown as StandardEditorsRegistryItem[]
  );
  standardFieldConfigEditorRegistry.setInit(() => [
    property(FieldConfigProperty.DisplayName, displayNameOverrideProcessor, all),
    property(FieldConfigProperty.Unit, stringOverrideProcessor, num),
    property(FieldConfigProperty.Min, numberOverrideProcessor, num),
    property(FieldConfigProperty.Max, numberOverrideProcessor, num),
    property(FieldConfigProperty.Decimals, numberOverrideProcessor, num),
    property(FieldConfigProperty.NoValue, stringOverrideProcessor, all),
    property(FieldConfigProperty.Color, identityOverrideProcessor, all),
    property(FieldConfigProperty.Thresholds, thresholdsOverrideProcessor, num, {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 80, color: 'red' },
      ],
    }),
    property(FieldConfigProperty.Mappings, valueMappingsOverrideProcessor, all, []),
    property(FieldConfigProperty.Links, dataLinksOverrideProcessor, all),
    property(FieldConfigProperty.FieldMinMax, booleanOverrideProcessor, num),
  ]);
}
