import { APP_BASE_URL } from '../constants';

/** The app's pages and the URL of each (`/a/vigil-anomaly-app/...`). */
export type Route =
  | { page: 'jobs' }
  | { page: 'job-new' }
  | { page: 'job-edit'; id: string }
  | { page: 'incidents' }
  | { page: 'reports' }
  | { page: 'feedback' }
  | { page: 'drift' };

/** Parse a pathname inside the app into a route; unknown paths show the jobs list. */
export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(APP_BASE_URL) ? pathname.slice(APP_BASE_URL.length) : pathname;
  const parts = rest.split('/').filter(Boolean);
  if (parts[0] === 'jobs' && parts[1] === 'new') return { page: 'job-new' };
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job-edit', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'incidents') return { page: 'incidents' };
  if (parts[0] === 'reports') return { page: 'reports' };
  if (parts[0] === 'feedback') return { page: 'feedback' };
  if (parts[0] === 'drift') return { page: 'drift' };
  return { page: 'jobs' };
}

export function routeUrl(route: Route): string {
  switch (route.page) {
    case 'jobs':
      return `${APP_BASE_URL}/jobs`;
    case 'job-new':
      return `${APP_BASE_URL}/jobs/new`;
    case 'job-edit':
      return `${APP_BASE_URL}/jobs/${encodeURIComponent(route.id)}`;
    case 'incidents':
      return `${APP_BASE_URL}/incidents`;
    case 'reports':
      return `${APP_BASE_URL}/reports`;
    case 'feedback':
      return `${APP_BASE_URL}/feedback`;
    case 'drift':
      return `${APP_BASE_URL}/drift`;
  }
}
