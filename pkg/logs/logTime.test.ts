import { LogTimeReader } from './logTime';

describe('LogTimeReader', () => {
  const reader = () => new LogTimeReader({ year: 2005 });

  it.each([
    [{ Date: '081109', Time: '203615' }, '2008-11-09T20:36:15.000Z'],
    [{ Date: '2015-10-18', Time: '18:01:47,978' }, '2015-10-18T18:01:47.978Z'],
    [{ Date: '17/06/09', Time: '20:10:40' }, '2017-06-09T20:10:40.000Z'],
    [{ Month: 'Jun', Date: '14', Time: '15:16:01' }, '2005-06-14T15:16:01.000Z'],
    [{ Date: 'Dec', Day: '10', Time: '06:55:46' }, '2005-12-10T06:55:46.000Z'],
    [{ Time: 'Sun Dec 04 04:47:44 2005' }, '2005-12-04T04:47:44.000Z'],
    [{ Timestamp: '1117838570', Date: '2005.06.03' }, '2005-06-03T22:42:50.000Z'],
    [{ Date: '03-17', Time: '16:13:38.811' }, '2005-03-17T16:13:38.811Z'],
    [{ timestamp: '2018-07-22T00:39:02.912Z' }, '2018-07-22T00:39:02.912Z'],
  ])('%j -> %s', (fields, iso) => {
    expect(new Date(reader().fromFields(fields)).toISOString()).toBe(iso);
  });

  it('uses a given pattern alone, and returns NaN for what it cannot read', () => {
    const r = new LogTimeReader({ format: 'dd.MM.yyyy HH:mm' });
    expect(new Date(r.read('05.01.2024 13:45')).toISOString()).toBe('2024-01-05T13:45:00.000Z');
    expect(r.read('2024-01-05 13:45:00')).toBeNaN();
    expect(reader().fromFields({ Level: 'INFO' })).toBeNaN();
    expect(() => new LogTimeReader({ format: ' ' })).toThrow(/empty/);
  });
});

describe('the year of a syslog time', () => {
  const now = Date.parse('2026-01-03T10:00:00Z');

  it('is the current year for a date up to a day ahead', () => {
    const r = new LogTimeReader({ now });
    expect(new Date(r.read('Jan 3 09:00:00')).toISOString()).toBe('2026-01-03T09:00:00.000Z');
    expect(new Date(r.read('Jan 4 09:00:00')).toISOString()).toBe('2026-01-04T09:00:00.000Z');
  });

  it('is the year before for a date further ahead (December read in January), unless the year is given', () => {
    expect(new Date(new LogTimeReader({ now }).read('Dec 31 23:59:59')).toISOString()).toBe('2025-12-31T23:59:59.000Z');
    expect(new Date(new LogTimeReader({ now, year: 2026 }).read('Dec 31 23:59:59')).toISOString()).toBe(
      '2026-12-31T23:59:59.000Z'
    );
    // a layout with a year keeps it, even ahead of now
    expect(new Date(new LogTimeReader({ now }).read('2027-02-01 10:00:00')).toISOString()).toBe(
      '2027-02-01T10:00:00.000Z'
    );
  });
});
