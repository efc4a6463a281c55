/**
 * The browser test harness: mounts the plugin's real panel, query editor, config editor and app pages with
 * the real @grafana/ui theme and the props Grafana passes, wired to the harness server (Grafana's data
 * source proxy stand-in) in front of a real Vigil engine. Tests drive it through `window.vigilHarness`.
 */
import React, { useState } from 'react';
import appPluginJson from '../../../plugin.json';
import { createRoot, Root } from 'react-dom/client';
import {
  applyFieldOverrides,
  AppPluginMeta,
  createTheme,
  DashboardCursorSync,
  FieldConfigSource,
  DataFrame,
  DataQueryRequest,
  DataSourceInstanceSettings,
  dateTime,
  EventBusSrv,
  LoadingState,
  PanelData,
  PluginType,
  TestDataSourceResponse,
  TimeRange,
} from '@grafana/data';
import {
  config,
  locationService,
  PanelDataErrorViewProps,
  setBackendSrv,
  setDataSourceSrv,
  setTemplateSrv,
} from '@grafana/runtime';
// Grafana injects its "No data" view through this internal setter of @grafana/runtime (same module instance).
// @ts-expect-error -- internal module of @grafana/runtime, shipped without types
import { setPanelDataErrorView } from '../../../node_modules/@grafana/runtime/dist/esm/components/PanelDataErrorView.mjs';
// ... and its page chrome (title, navigation) through this one
// @ts-expect-error -- internal module of @grafana/runtime, shipped without types
import { setPluginPage } from '../../../node_modules/@grafana/runtime/dist/esm/components/PluginPage.mjs';
import { Alert, Button, GlobalStyles, PanelContextProvider, ThemeContext } from '@grafana/ui';

import { ConfigEditor } from '../../../src/datasource/components/ConfigEditor';
import { QueryEditor } from '../../../src/datasource/components/QueryEditor';
import { VariableQueryEditor } from '../../../src/datasource/components/VariableQueryEditor';
import { VigilDataSource } from '../../../src/datasource/datasource';
import { frameKind } from '../../../src/datasource/transforms';
import { App, AppSettings } from '../../../src/pages/App';
import { AppConfig } from '../../../src/pages/AppConfig';
import { plugin as vigilPanelPlugin } from '../../../src/panel/module';
import { VigilPanel } from '../../../src/panel/VigilPanel';
import { initOptionRegistries } from './optionsRegistry';
import { StockTimeSeriesPanel, timeSeriesPanelPlugin } from './stockTimeSeries';
import type { VigilPanelOptions } from '../../../src/panel/options';
import type { VigilDataSourceOptions, VigilQuery, VigilVariableQuery } from '../../../src/types';
import { createBackendSrv, createDataSourceSrv, createTemplateSrv, requestLog, vigilSettings } from './runtime';

const DS_UID = 'vigil';
initOptionRegistries();
const APP_ID = appPluginJson.id;
// where @grafana/ui loads its icons from (Grafana sets this; the harness server serves them)
(window as unknown as { __grafana_public_path__: string }).__grafana_public_path__ = '/public/';
let theme = createTheme({ colors: { mode: 'dark' } });
config.theme2 = theme;
config.bootData.user.theme = 'dark';

/** Switch Grafana's theme (light or dark) for what is mounted next. */
function setTheme(mode: 'light' | 'dark') {
  theme = createTheme({ colors: { mode } });
  config.theme2 = theme;
  config.theme = theme.v1;
  config.bootData.user.theme = mode;
  document.body.dataset.theme = mode;
}

type OrgRole = 'Viewer' | 'Editor' | 'Admin';
const ROLE_RANK: Record<OrgRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/** Sign in with an organisation role: the plugin reads it from config.bootData.user, the harness server's proxy uses it. */
async function setRole(role: OrgRole) {
  const user = config.bootData.user as { orgRole: string; isGrafanaAdmin: boolean };
  user.orgRole = role;
  user.isGrafanaAdmin = false;
  const res = await fetch('/__harness/user', { method: 'PUT', body: JSON.stringify({ role }) });
  if (!res.ok) throw new Error(`setting the role failed: HTTP ${res.status}`);
}

function currentRole(): OrgRole {
  return ((config.bootData.user as { orgRole?: string }).orgRole as OrgRole) ?? 'Admin';
}

/** The app's pages as Grafana reads them from plugin.json (`%PLUGIN_ID%` filled in, as the build does). */
const appPages = appPluginJson.includes
  .filter((i) => i.type === 'page')
  .map((i) => ({ ...i, path: (i.path ?? '').replace('%PLUGIN_ID%', APP_ID) })) as Array<{
  name: string;
  path: string;
  role?: string;
  addToNav?: boolean;
}>;

/** Grafana's AppRootPage check: a page whose include names a role above the user's is "Access denied". */
function userHasPermissionsToPluginPage(pathname: string, role: OrgRole): boolean {
  if (role === 'Admin') return true;
  const include = appPages.find((p) => p.path === pathname);
  if (!include || !include.role) return true;
  return ROLE_RANK[role] >= (ROLE_RANK[include.role as OrgRole] ?? 0);
}

/**
 * Grafana's page chrome for app pages, reduced to what a screenshot or a test needs: the app's navigation (the
 * includes with `addToNav`, minus those above the user's role, as Grafana's navigation tree leaves them out), the
 * breadcrumb and the page title.
 */
function HarnessPluginPage({ children, pageNav }: { children?: React.ReactNode; pageNav?: { text: string } }) {
  const path = locationService.getLocation().pathname;
  const role = currentRole();
  const nav = appPages.filter((p) => p.addToNav && (!p.role || ROLE_RANK[role] >= (ROLE_RANK[p.role as OrgRole] ?? 0)));
  const active = appPages.find((p) => path === p.path || path.startsWith(`${p.path}/`)) ?? appPages[0];
  return (
    <div style={{ display: 'flex', gap: 16, minHeight: 600 }}>
      <nav
        aria-label="Grafana navigation"
        data-testid="harness-nav"
        style={{ width: 180, borderRight: `1px solid ${theme.colors.border.weak}`, paddingRight: 8 }}
      >
        <div style={{ fontWeight: 500, padding: '4px 8px', color: theme.colors.text.secondary }}>Vigil</div>
        {nav.map((p) => (
          <a
            key={p.path}
            href={p.path}
            data-testid="harness-nav-item"
            aria-current={p === active ? 'page' : undefined}
            onClick={(e) => (e.preventDefault(), locationService.push(p.path))}
            style={{
              display: 'block',
              padding: '4px 8px',
              borderRadius: 2,
              color: p === active ? theme.colors.text.primary : theme.colors.text.secondary,
              background: p === active ? theme.colors.action.selected : 'none',
            }}
          >
            {p.name}
          </a>
        ))}
      </nav>
      <main style={{ flex: 1, minWidth: 0 }}>
        <div data-testid="harness-breadcrumb" style={{ color: theme.colors.text.secondary, fontSize: 12 }}>
          Home › Apps › Vigil › {active?.name}
          {pageNav ? ` › ${pageNav.text}` : ''}
        </div>
        <h1 data-testid="harness-page-title" style={{ fontSize: 24, margin: '4px 0 16px' }}>
          {pageNav?.text ?? active?.name}
        </h1>
        {children}
      </main>
    </div>
  );
}
setPluginPage(HarnessPluginPage);

let dsSettings: DataSourceInstanceSettings<VigilDataSourceOptions> = vigilSettings(DS_UID, {});
const templateVars: Record<string, string> = {};
setBackendSrv(createBackendSrv());
setDataSourceSrv(createDataSourceSrv(() => dsSettings) as never);
setTemplateSrv(createTemplateSrv(templateVars));
// Grafana injects its own "No data" view into @grafana/runtime; the harness does the same, with the same text.
setPanelDataErrorView(function NoData({ message, data }: PanelDataErrorViewProps) {
  const text = message ?? (data.series.length === 0 ? 'No data' : 'Data is missing a number field');
  return (
    <div
      data-testid="data-testid Panel data error message"
      style={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        height: '100%',
        color: theme.colors.text.secondary,
      }}
    >
      {text}
    </div>
  );
});

async function loadSettings(): Promise<void> {
  const res = await fetch(`/api/datasources/uid/${DS_UID}`);
  const s = (await res.json()) as { jsonData: VigilDataSourceOptions };
  dsSettings = vigilSettings(DS_UID, s.jsonData);
}

let root: Root | undefined;
function mount(node: React.ReactNode) {
  const el = document.getElementById('root')!;
  root?.unmount();
  root = createRoot(el);
  root.render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ padding: 16 }}>{node}</div>
    </ThemeContext.Provider>
  );
}

function timeRange(from: number, to: number): TimeRange {
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
}

function request(targets: VigilQuery[], range: TimeRange, interval = '5m'): DataQueryRequest<VigilQuery> {
  return {
    requestId: `harness-${Date.now()}`,
    interval,
    intervalMs: 300000,
    range,
    scopedVars: {},
    targets: targets.map((t) => ({ ...t, datasource: { type: 'vigil-anomaly-datasource', uid: DS_UID } })),
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  };
}

/** Split a query response as Grafana's panel query runner does: annotation frames go to `annotations`. */
function toPanelData(
  frames: DataFrame[],
  range: TimeRange,
  req: DataQueryRequest<VigilQuery>,
  errors?: PanelData['errors']
): PanelData {
  const annotations = frames.filter((f) => f.meta?.dataTopic === 'annotations');
  const series = frames.filter((f) => f.meta?.dataTopic !== 'annotations');
  return {
    state: errors?.length ? LoadingState.Error : LoadingState.Done,
    series,
    annotations,
    timeRange: range,
    request: req,
    errors,
    error: errors?.[0],
  };
}

interface PanelMountOptions {
  targets: VigilQuery[];
  from: number;
  to: number;
  interval?: string;
  options?: Partial<VigilPanelOptions>;
  /** the panel's field config (defaults and overrides), applied to the frames as Grafana does before the panel */
  fieldConfig?: FieldConfigSource;
  width?: number;
  height?: number;
  /** keep the panel in the loading state this long before querying */
  holdMs?: number;
  /** the signed-in user's role (default Admin) */
  role?: OrgRole;
  /** how many copies of the panel, side by side on one dashboard (sharing its event bus) */
  panels?: number;
  /** the dashboard's graph tooltip setting: shared crosshair or shared tooltip across panels */
  cursorSync?: DashboardCursorSync;
  /** `timeseries`: Grafana's own time series panel (as far as the harness can have it) instead of Vigil's */
  viz?: 'vigil' | 'timeseries';
}

/** Time ranges the panels asked the dashboard for (drag to zoom), newest last. */
const zoomLog: Array<{ panel: number; from: number; to: number }> = [];

function PanelFrame({
  title,
  width,
  height,
  children,
}: {
  title: string;
  width: number;
  height: number;
  children: React.ReactNode;
}) {
  // the look of Grafana's panel chrome: a titled box on the canvas background
  return (
    <div
      data-testid="harness-panel-chrome"
      style={{
        width,
        flex: 'none',
        background: theme.colors.background.primary,
        border: `1px solid ${theme.colors.border.weak}`,
        borderRadius: theme.shape.radius.default,
      }}
    >
      <div style={{ padding: '6px 8px', fontSize: 14, fontWeight: 500 }}>{title}</div>
      <div style={{ width, height, padding: '0 8px 8px' }}>{children}</div>
    </div>
  );
}

/**
 * What Grafana's panel query runner does to a panel's frames before the panel sees them: the panel's field config
 * (defaults, then overrides) applied with the panel plugin's field config registry, display processors and colours
 * set (`applyFieldOverrides`).
 */
function processFrames(
  frames: DataFrame[],
  fieldConfig: FieldConfigSource,
  registry: typeof vigilPanelPlugin.fieldConfigRegistry
): DataFrame[] {
  return applyFieldOverrides({
    data: frames,
    fieldConfig,
    fieldConfigRegistry: registry,
    replaceVariables: (s: string) => s,
    theme,
    timeZone: 'utc',
  });
}

async function mountPanel(o: PanelMountOptions): Promise<{ frames: number; errors: string[] }> {
  await setRole(o.role ?? 'Admin');
  await loadSettings();
  zoomLog.length = 0;
  const ds = new VigilDataSource(dsSettings);
  const range = timeRange(o.from, o.to);
  const req = request(o.targets, range, o.interval);
  const width = o.width ?? 900;
  const height = o.height ?? 320;
  const stock = o.viz === 'timeseries';
  const plugin = stock ? timeSeriesPanelPlugin : vigilPanelPlugin;
  const fieldConfig: FieldConfigSource = o.fieldConfig ?? { defaults: {}, overrides: [] };
  const eventBus = new EventBusSrv();
  const context = {
    eventsScope: 'dashboard',
    eventBus,
    sync: () => o.cursorSync ?? DashboardCursorSync.Off,
  };
  const props = (data: PanelData, i: number) => ({
    id: i + 1,
    data,
    timeRange: range,
    timeZone: 'utc',
    options: (stock ? {} : (o.options ?? {})) as VigilPanelOptions,
    fieldConfig,
    transparent: false,
    width: width - 16,
    height: height - 8,
    renderCounter: 0,
    title: 'Vigil',
    eventBus,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (s: string) => s,
    onChangeTimeRange: (r: { from: number; to: number }) => zoomLog.push({ panel: i + 1, from: r.from, to: r.to }),
  });
  const render = (data: PanelData) =>
    mount(
      <PanelContextProvider value={context as never}>
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
          {Array.from({ length: o.panels ?? 1 }, (_, i) => (
            <PanelFrame key={i} title={stock ? 'Time series' : 'Vigil anomalies'} width={width} height={height}>
              {stock ? <StockTimeSeriesPanel {...props(data, i)} /> : <VigilPanel {...props(data, i)} />}
            </PanelFrame>
          ))}
        </div>
      </PanelContextProvider>
    );
  render({ state: LoadingState.Loading, series: [], timeRange: range, request: req });
  if (o.holdMs) await new Promise((r) => setTimeout(r, o.holdMs));
  const res = await ds.query(req);
  const data = toPanelData(res.data as DataFrame[], range, req, res.errors);
  render({
    ...data,
    series: processFrames(data.series, fieldConfig, plugin.fieldConfigRegistry),
    annotations: data.annotations,
  });
  return { frames: res.data.length, errors: (res.errors ?? []).map((e) => e.message ?? '') };
}

interface QueryEditorState {
  query: VigilQuery;
  runs: number;
  result?: { kinds: string[]; errors: string[] };
}

function QueryEditorHost({ initial, from, to }: { initial: VigilQuery; from: number; to: number }) {
  const [state, setState] = useState<QueryEditorState>({ query: initial, runs: 0 });
  const ds = new VigilDataSource(dsSettings);
  (window as unknown as { vigilQuery: VigilQuery }).vigilQuery = state.query;
  const run = async (q: VigilQuery) => {
    const range = timeRange(from, to);
    const res = await ds.query(request([q], range));
    setState((s) => ({
      ...s,
      runs: s.runs + 1,
      result: {
        kinds: (res.data as DataFrame[]).map((f) => frameKind(f) ?? 'other'),
        errors: (res.errors ?? []).map((e) => e.message ?? ''),
      },
    }));
  };
  return (
    <div style={{ width: 900, background: theme.colors.background.primary, padding: 8 }}>
      <QueryEditor
        datasource={ds}
        query={state.query}
        onChange={(q) => {
          (window as unknown as { vigilQuery: VigilQuery }).vigilQuery = q;
          setState((s) => ({ ...s, query: q }));
        }}
        onRunQuery={() => {
          // Grafana runs the latest query after onChange; read it from the window as the host does
          setTimeout(() => run((window as unknown as { vigilQuery: VigilQuery }).vigilQuery), 0);
        }}
      />
      <pre data-testid="harness-query" style={{ fontSize: 11 }}>
        {JSON.stringify(state.query, null, 1)}
      </pre>
      <pre data-testid="harness-result" data-runs={state.runs} style={{ fontSize: 11 }}>
        {state.result ? JSON.stringify(state.result) : ''}
      </pre>
    </div>
  );
}

async function mountQueryEditor(o: { query: VigilQuery; from: number; to: number; role?: OrgRole }) {
  // signed in as Grafana always is (default Admin): the editor offers writes by role
  await setRole(o.role ?? 'Admin');
  await loadSettings();
  mount(<QueryEditorHost initial={o.query} from={o.from} to={o.to} />);
}

function VariableEditorHost() {
  const [q, setQ] = useState<VigilVariableQuery>({ kind: 'jobs' });
  const [values, setValues] = useState<string>('');
  const ds = new VigilDataSource(dsSettings);
  return (
    <div style={{ width: 900 }}>
      <VariableQueryEditor query={q} onChange={(nq) => setQ(nq)} />
      <Button
        onClick={async () => {
          try {
            const v = await ds.metricFindQuery(q);
            setValues(JSON.stringify(v));
          } catch (e) {
            setValues(`error: ${(e as Error).message}`);
          }
        }}
      >
        Run variable query
      </Button>
      <pre data-testid="harness-variable-values">{values}</pre>
    </div>
  );
}

async function mountVariableEditor() {
  await loadSettings();
  mount(<VariableEditorHost />);
}

/** Grafana's data source settings page: the plugin's config editor, then "Save & test". */
function ConfigPageHost({
  initial,
}: {
  initial: { jsonData: VigilDataSourceOptions; secureJsonFields: Record<string, boolean> };
}) {
  const [options, setOptions] = useState({
    ...vigilSettings(DS_UID, initial.jsonData),
    id: 1,
    orgId: 1,
    typeName: 'Vigil',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    secureJsonFields: initial.secureJsonFields,
    secureJsonData: {} as Record<string, string>,
    version: 1,
    readOnly: false,
  });
  const [result, setResult] = useState<TestDataSourceResponse | undefined>();
  const saveAndTest = async () => {
    setResult(undefined);
    // Grafana saves first (the server keeps secureJsonData and answers with secureJsonFields) ...
    const res = await fetch(`/api/datasources/uid/${DS_UID}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonData: options.jsonData, secureJsonData: options.secureJsonData }),
    });
    const saved = (await res.json()) as { jsonData: VigilDataSourceOptions; secureJsonFields: Record<string, boolean> };
    setOptions((o) => ({ ...o, secureJsonFields: saved.secureJsonFields, secureJsonData: {} }));
    dsSettings = vigilSettings(DS_UID, saved.jsonData);
    // ... then runs the data source's testDatasource()
    const ds = new VigilDataSource(dsSettings);
    try {
      setResult(await ds.testDatasource());
    } catch (e) {
      setResult({ status: 'error', message: (e as Error).message });
    }
  };
  return (
    <div style={{ width: 900 }}>
      <ConfigEditor options={options as never} onOptionsChange={(o) => setOptions(o as never)} />
      <Button onClick={saveAndTest} data-testid="data-testid Data source settings page Save and Test button">
        Save &amp; test
      </Button>
      {result && (
        <div style={{ marginTop: 16 }} data-testid="harness-test-result" data-status={result.status}>
          <Alert severity={result.status === 'success' ? 'success' : 'error'} title={result.message} />
        </div>
      )}
    </div>
  );
}

async function mountConfigEditor() {
  const res = await fetch(`/api/datasources/uid/${DS_UID}`);
  const s = (await res.json()) as { jsonData: VigilDataSourceOptions; secureJsonFields: Record<string, boolean> };
  mount(<ConfigPageHost initial={s} />);
}

function appMeta(settings: AppSettings): AppPluginMeta<AppSettings> {
  return {
    id: 'vigil-anomaly-app',
    name: 'Vigil',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData: settings,
    module: 'public/plugins/vigil-anomaly-app/module.js',
    baseUrl: 'public/plugins/vigil-anomaly-app',
    info: {
      author: { name: 'Vigil' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '',
    },
  } as AppPluginMeta<AppSettings>;
}

/** Open an app page as Grafana's AppRootPage does, signed in with `role` (default Admin). */
async function mountApp(o: { path: string; role?: OrgRole }) {
  await setRole(o.role ?? 'Admin');
  await loadSettings();
  locationService.push(o.path);
  const pathname = o.path.split('?')[0];
  if (!userHasPermissionsToPluginPage(pathname, currentRole())) {
    mount(
      <div data-testid="harness-access-denied">
        <Alert severity="warning" title="Access denied">
          You do not have permission to see this page.
        </Alert>
      </div>
    );
    return;
  }
  mount(
    <App
      meta={appMeta({ datasourceUid: DS_UID })}
      basename={`/a/${APP_ID}`}
      query={{}}
      path={pathname}
      onNavChanged={() => {}}
    />
  );
}

async function mountAppConfig() {
  await loadSettings();
  mount(<AppConfig plugin={{ meta: appMeta({}) } as never} query={{}} />);
}

const harness = {
  setTheme,
  setRole,
  mountPanel,
  zoomLog,
  mountQueryEditor,
  mountVariableEditor,
  mountConfigEditor,
  mountApp,
  mountAppConfig,
  requestLog,
  setVariable: (name: string, value: string) => {
    templateVars[name] = value;
  },
};
(window as unknown as { vigilHarness: typeof harness }).vigilHarness = harness;
document.body.dataset.harness = 'ready';
