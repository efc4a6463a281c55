import {
  describeWindow,
  exportFileName,
  parseJobsFile,
  fromLocalInput,
  lifecycleState,
  maintenanceProblem,
  toLocalInput,
} from './lifecycle';

describe('datetime-local values', () => {
  it('round-trip a local time to the minute, and refuse what is not one', () => {
    const t = new Date(2026, 11, 5, 2, 30).getTime();
    expect(toLocalInput(t)).toBe('2026-12-05T02:30');
    expect(fromLocalInput('2026-12-05T02:30')).toBe(t);
    expect(fromLocalInput('2026-12-05T02:30:15')).toBe(t + 15_000);
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('tomorrow')).toBeUndefined();
    expect(toLocalInput(undefined)).toBe('');
  });
});

describe('maintenanceProblem', () => {
  it('accepts complete one-off and recurring windows', () => {
    expect(maintenanceProblem({ from: 1000, to: 2000 }, 0)).toBeUndefined();
    expect(maintenanceProblem({ cron: '0 2 * * 6', duration: '2h', timezone: 'Europe/Paris' }, 0)).toBeUndefined();
  });

  it('names the window and what is missing or wrong', () => {
    expect(maintenanceProblem({ from: 1000 }, 0)).toBe('Maintenance window 1: set its start and its end');
    expect(maintenanceProblem({ name: 'upgrade', from: 2000, to: 1000 }, 1)).toBe(
      'Maintenance window 2 (upgrade): the end must be after the start'
    );
    expect(maintenanceProblem({ cron: '0 2 * *', duration: '2h' }, 0)).toMatch(/cron needs five fields/);
    expect(maintenanceProblem({ cron: '0 2 * * 6', duration: 'two hours' }, 0)).toMatch(/not a duration like 2h/);
  });
});

describe('describeWindow and lifecycleState', () => {
  it('describe windows in one line', () => {
    expect(describeWindow({ name: 'backup', cron: '0 2 * * *', duration: '2h' })).toBe(
      'backup: 0 2 * * * for 2h (UTC)'
    );
    expect(describeWindow({ from: Date.UTC(2026, 11, 5, 2), to: Date.UTC(2026, 11, 5, 4) })).toBe(
      '2026-12-05 02:00 to 2026-12-05 04:00 UTC'
    );
  });

  it('says when a job warms up (all or some series) or is in maintenance, nothing when it judges', () => {
    expect(lifecycleState({ status: 'ready' })).toBeUndefined();
    expect(
      lifecycleState({ status: 'warming_up', warmup: { series: 3, warmingUp: 3, readyAt: Date.UTC(2026, 0, 2) } })
    ).toMatchObject({ kind: 'warming_up', text: 'warming up (3 of 3 series)' });
    expect(lifecycleState({ status: 'ready', warmup: { series: 5, warmingUp: 2 } })).toMatchObject({
      kind: 'warming_up',
      text: '2 of 5 series warming up',
    });
    expect(
      lifecycleState({
        status: 'ready',
        maintenance: { active: true, name: 'upgrade', until: Date.UTC(2026, 0, 1, 4) },
      })
    ).toMatchObject({ kind: 'maintenance', text: 'in maintenance until 2026-01-01 04:00 UTC' });
  });
});

describe('job export files', () => {
  it('names files after the job', () => {
    expect(exportFileName()).toBe('vigil-jobs.json');
    expect(exportFileName('Shop request rate (p95)')).toBe('vigil-job-shop-request-rate-p95.json');
    expect(exportFileName('***')).toBe('vigil-job-job.json');
  });

  it('reads an export and says what is wrong with anything else', () => {
    const doc = { apiVersion: 'vigil/v1', kind: 'JobList', items: [] };
    expect(parseJobsFile(JSON.stringify(doc), 'jobs.json')).toEqual(doc);
    expect(() => parseJobsFile('{nope', 'jobs.json')).toThrow(/^jobs.json is not JSON: /);
    expect(() => parseJobsFile('{"dashboard": {}}', 'dash.json')).toThrow(
      'dash.json is not a Vigil job export (kind Job or JobList, from Export)'
    );
  });
});
