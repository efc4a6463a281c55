import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { clearRegisteredSecrets, registerSecret } from '../core/scrub';
import { loggerOptions } from './logging';

/** The JSON lines a fastify app with the engine's logger options writes for `log`. */
function lines(log: (app: ReturnType<typeof Fastify>) => void): Record<string, unknown>[] {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      out.push(String(chunk));
      done();
    },
  });
  const options = loggerOptions('info') as object;
  const app = Fastify({ logger: { ...options, stream } });
  log(app);
  return out.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('loggerOptions', () => {
  afterEach(() => clearRegisteredSecrets());

  it('logs an err given as a message as that message, scrubbed (not spread into characters)', () => {
    registerSecret('hunter2-password');
    const [line] = lines((app) => app.log.warn({ err: 'refused with hunter2-password' }, 'pruning failed'));
    expect(line.err).toBe('refused with ***');
    expect(line.msg).toBe('pruning failed');
  });

  it('logs an Error by type, message and stack, scrubbed', () => {
    registerSecret('hunter2-password');
    const [line] = lines((app) => app.log.error({ err: new TypeError('bad hunter2-password') }, 'failed'));
    expect(line.err).toMatchObject({ type: 'TypeError', message: 'bad ***' });
    expect(JSON.stringify(line)).not.toContain('hunter2');
  });
});
