import { maskMessage } from './masking';
import { isStatusReport, lineSeverity, parseLevel } from './severity';

describe('parseLevel', () => {
  it.each([
    ['FATAL', 'critical'],
    ['Error', 'error'],
    ['SEVERE', 'error'],
    ['warn', 'warning'],
    ['W', 'warning'],
    ['info', 'info'],
    ['TRACE', 'debug'],
    ['<3>', 'error'],
    ['0', 'emergency'],
  ])('%s -> %s', (text, severity) => {
    expect(parseLevel(text)).toBe(severity);
  });

  it('is undefined for text that is not a level', () => {
    expect(parseLevel('combo')).toBeUndefined();
    expect(parseLevel(undefined)).toBeUndefined();
  });
});

describe('isStatusReport', () => {
  it.each([
    ['instruction address: <*>', true],
    ['r24=<*> r25=<*> r26=<*>', true],
    ['machine check enable..............<*>', true],
    ['size of scratchpad portion of L3.........<*> (<*>)', true],
    ['rts: kernel terminated for reason <*>', false],
    ['Lustre mount FAILED : bglio<*> : point <*>', false],
    ['no values here', false],
  ])('%s -> %s', (text, expected) => {
    expect(isStatusReport(text)).toBe(expected);
  });
});

describe('lineSeverity', () => {
  const judge = (message: string, level?: string) => lineSeverity(maskMessage(message), level);

  it('scores a stated failure by level: critical 90, error 70, no level 60', () => {
    expect(judge('data TLB error interrupt', 'FATAL')).toMatchObject({ fault: true, score: 90, level: 'critical' });
    expect(judge('Connection reset by peer', 'ERROR')).toMatchObject({ fault: true, score: 70 });
    expect(judge('Link error on broadcast tree')).toMatchObject({ fault: true, score: 60 });
  });

  it('does not call a caller error, a status report or an undone failure a fault', () => {
    expect(judge('Error loading /a/b: No such file or directory', 'FATAL')).toMatchObject({
      fault: false,
      reason: 'caller error',
      score: 30,
    });
    expect(judge('program interrupt: illegal instruction......0', 'FATAL')).toMatchObject({
      fault: false,
      reason: 'status report',
    });
    expect(judge('instruction cache parity error corrected', 'INFO')).toMatchObject({ fault: false, reason: 'undone' });
    expect(judge('request failed: 404 Not Found')).toMatchObject({ fault: false, reason: 'caller error' });
  });

  it('below error level a failure word is not a fault; warnings score 20, info 0', () => {
    expect(judge('retry failed, will try again', 'WARN')).toMatchObject({ fault: false, reason: 'level', score: 20 });
    expect(judge('job finished', 'INFO')).toMatchObject({ fault: false, score: 0 });
    expect(judge('assertion hit', 'ERROR')).toMatchObject({ fault: false, score: 30 });
  });
});
