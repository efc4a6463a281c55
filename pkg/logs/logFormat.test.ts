import { ParameterError } from '../core/errors';
import { compileLogFormat, fieldByRole, LEVEL_NAMES, parseLogLine } from './logFormat';

describe('compileLogFormat / parseLogLine', () => {
  it('reads a loghub-style format (text between fields is a regular expression, spaces match any whitespace)', () => {
    const f = compileLogFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
    expect(f.fields).toEqual(['Date', 'Time', 'Pid', 'Level', 'Component', 'Content']);
    const p = parseLogLine(
      f,
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating'
    );
    expect(p).toEqual({
      fields: {
        Date: '081109',
        Time: '203615',
        Pid: '148',
        Level: 'INFO',
        Component: 'dfs.DataNode$PacketResponder',
        Content: 'PacketResponder 1 for block blk_1 terminating',
      },
      message: 'PacketResponder 1 for block blk_1 terminating',
    });
    expect(fieldByRole(p!.fields, LEVEL_NAMES)).toBe('INFO');
  });

  it('takes loghub settings as written, with escaped brackets and optional parts', () => {
    const f = compileLogFormat('<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>');
    expect(parseLogLine(f, 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown')?.fields.PID).toBe(
      '19939'
    );
    expect(parseLogLine(f, 'Jun 14 15:16:01 combo kernel: Linux version 2.6')?.message).toBe('Linux version 2.6');
  });

  it('reads a regular expression with named groups and presets by name', () => {
    const re = compileLogFormat('^(?<time>\\S+) (?<level>[A-Z]+) (?<msg>.*)$');
    expect(parseLogLine(re, '2024-01-01T00:00:00Z ERROR disk full')).toEqual({
      fields: { time: '2024-01-01T00:00:00Z', level: 'ERROR', msg: 'disk full' },
      message: 'disk full',
    });
    const syslog = compileLogFormat('syslog');
    expect(
      parseLogLine(syslog, 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 1.2.3.4')?.message
    ).toBe('Invalid user webmaster from 1.2.3.4');
  });

  it('returns null for a line that does not match', () => {
    expect(parseLogLine(compileLogFormat('<Level>: <Content>'), 'no colon here')).toBeNull();
  });

  it('names what is wrong with a format', () => {
    expect(() => compileLogFormat('<Date> <Time>')).toThrow(/no message field/);
    expect(() => compileLogFormat('<A> <A> <Content>')).toThrow(/appears twice/);
    expect(() => compileLogFormat('(?<content>[')).toThrow(ParameterError);
    expect(() => compileLogFormat('  ')).toThrow(/empty/);
  });
});
