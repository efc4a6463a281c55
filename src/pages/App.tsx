import React, { useEffect, useState } from 'react';
import { AppRootProps, NavModelItem } from '@grafana/data';
import { locationService, PluginPage } from '@grafana/runtime';
import { Alert } from '@grafana/ui';

import { useEngine } from '../components/useEngine';
import { DriftPage } from './DriftPage';
import { FeedbackPage } from './FeedbackPage';
import { IncidentsPage } from './IncidentsPage';
import { JobEditPage } from './JobEditPage';
import { JobsPage } from './JobsPage';
import { ReportsPage } from './ReportsPage';
import { jobSpecFromSearch } from '../saveAsJob';
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

/** The breadcrumb below the include's page (Grafana's navigation shows the includes themselves). */
function pageNav(route: Route): NavModelItem | undefined {
  if (route.page === 'job-new') return { text: 'New job', url: routeUrl(route) };
  if (route.page === 'job-edit') return { text: 'Job', url: routeUrl(route) };
  return undefined;
}

/**
 * The app's root: a page per route, all talking to the engine through the Vigil data source's proxy. The pages are
 * the app's `includes` in plugin.json, so Grafana lists them in its navigation (with their roles); there is no tab bar
 * of our own.
 */
export function App(props: AppRootProps<AppSettings>) {
  const route = parseRoute(usePathname());
  const { client, error } = useEngine(props.meta.jsonData?.datasourceUid);
  const go = (r: Route) => locationService.push(routeUrl(r));

  return (
    <PluginPage pageNav={pageNav(route)}>
      <div data-testid="vigil-app">
        {error && (
          <Alert severity="error" title="Cannot reach the engine">
            {error}
          </Alert>
        )}
        {client && route.page === 'jobs' && <JobsPage client={client} go={go} />}
        {client && route.page === 'job-new' && (
          <JobEditPage client={client} go={go} initial={jobSpecFromSearch(locationService.getLocation().search)} />
        )}
        {client && route.page === 'job-edit' && <JobEditPage client={client} go={go} id={route.id} />}
        {client && route.page === 'incidents' && <IncidentsPage client={client} />}
        {client && route.page === 'reports' && <ReportsPage client={client} />}
        {client && route.page === 'feedback' && <FeedbackPage client={client} />}
        {client && route.page === 'drift' && <DriftPage client={client} />}
      </div>
    </PluginPage>
  );
}
