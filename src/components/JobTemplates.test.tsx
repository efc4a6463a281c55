import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';

import type { EngineClient } from '../api';
import { JobTemplates } from './JobTemplates';

// @grafana/ui's CommonJS build does not load under jsdom (ES-module dependencies); the page's real rendering is
// covered by the browser suite, here only what this component decides is checked.
jest.mock('@grafana/ui', () => ({
  Alert: ({ title }: { title: string }) => <div role="alert">{title}</div>,
  LoadingPlaceholder: ({ text }: { text: string }) => <div>{text}</div>,
  useStyles2: () => ({ table: 'table', muted: 'muted' }),
}));
jest.mock('./styles', () => ({ getPageStyles: () => ({}) }));
jest.mock('@grafana/runtime', () => ({ getBackendSrv: jest.fn(), getDataSourceSrv: jest.fn() }));

function client(answer: () => Promise<unknown>, paths: string[] = []): EngineClient {
  return {
    get: (path: string) => {
      paths.push(path);
      return answer();
    },
  } as unknown as EngineClient;
}

describe('JobTemplates', () => {
  it("lists a log job's templates with their counts and times", async () => {
    const paths: string[] = [];
    const templates = [
      { id: '0', template: 'ip-<*> - - "GET <*> HTTP/<*>.<*>" <*> <*>', count: 6912, firstSeen: 1535760000000 },
      { id: '1.2', template: 'session opened for user <*>', count: 3 },
    ];
    render(<JobTemplates client={client(async () => ({ templates }), paths)} jobId="a b" />);
    await waitFor(() => expect(screen.getByTestId('vigil-job-templates')).toBeTruthy());
    expect(paths).toEqual(['/api/jobs/a%20b/templates']);
    const rows = screen.getByTestId('vigil-job-templates').querySelectorAll('tbody tr');
    expect(Array.from(rows).map((r) => r.getAttribute('data-template-id'))).toEqual(['0', '1.2']);
    expect(rows[0].textContent).toContain('6912');
    expect(rows[0].textContent).toContain('2018-09-01');
  });

  it('says when there are none yet, and shows the engine error', async () => {
    const { unmount } = render(<JobTemplates client={client(async () => ({ templates: [] }))} jobId="x" />);
    await waitFor(() => expect(screen.getByText(/No templates yet/)).toBeTruthy());
    unmount();
    render(
      <JobTemplates client={client(() => Promise.reject(new Error('Templates: job "x" reads prometheus')))} jobId="x" />
    );
    await waitFor(() => expect(screen.getByText(/reads prometheus/)).toBeTruthy());
  });
});
