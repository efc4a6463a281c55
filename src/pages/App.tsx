import React, { useEffect, useState } from 'react';
import { AppRootProps } from '@grafana/data';
import { locationService, PluginPage } from '@grafana/runtime';
import { Alert, useStyles2 } from '@grafana/ui';

import { getPageStyles } from '../components/styles';
import { useEngine } from '../components/useEngine';
import { DriftPage } from './DriftPage';
import { FeedbackPage } from './FeedbackPage';
import { IncidentsPage } from './IncidentsPage';
import { JobEditPage } from './JobEditPage';
import { JobsPage } from './JobsPage';
import { ReportsPage } from './ReportsPage';
import { parseRoute, Route, routeUrl } from './routes';

export interface AppSettings {
  /** uid of the Vigil data source the app talks through; the first one when unset */
  datasourceUid?: string;
}

function usePathname(): string {
  const [path, setPath] = useState(locationService.getLocation().pathname);
  useEffect(() => locationService.getHistory().listen((loc: { pathname: string }) => setPath(loc.pathname)), []);
  return path;
}

const TABS: Array<{ label: string; route: Route }> = [
  { label: 'Jobs', route: { page: 'jobs' } },
  { label: 'Incidents', route: { page: 'incidents' } },
  { label: 'Reports', route: { page: 'reports' } },
  { label: 'Feedback', route: { page: 'feedback' } },
  { label: 'Drift', route: { page: 'drift' } },
];

/** The app's root: a page per route, all talking to the engine through the Vigil data source's proxy. */
export function App(props: AppRootProps<AppSettings>) {
  const route = parseRoute(usePathname());
  const { client, error } = useEngine(props.meta.jsonData?.datasourceUid);
  const styles = useStyles2(getPageStyles);
  const go = (r: Route) => locationService.push(routeUrl(r));
  const activeTab = route.page === 'job-new' || route.page === 'job-edit' ? 'jobs' : route.page;

  return (
    <PluginPage>
      <div data-testid="vigil-app">
        <nav className={styles.nav} aria-label="Vigil">
          {TABS.map((t) => (
            <button key={t.label} className={styles.navItem(activeTab === t.route.page)} onClick={() => go(t.route)}>
              {t.label}
            </button>
          ))}
        </nav>
        {error && (
          <Alert severity="error" title="Cannot reach the engine">
            {error}
          </Alert>
        )}
        {client && route.page === 'jobs' && <JobsPage client={client} go={go} />}
        {client && route.page === 'job-new' && <JobEditPage client={client} go={go} />}
        {client && route.page === 'job-edit' && <JobEditPage client={client} go={go} id={route.id} />}
        {client && route.page === 'incidents' && <IncidentsPage client={client} />}
        {client && route.page === 'reports' && <ReportsPage client={client} />}
        {client && route.page === 'feedback' && <FeedbackPage client={client} />}
        {client && route.page === 'drift' && <DriftPage client={client} />}
      </div>
    </PluginPage>
  );
}
