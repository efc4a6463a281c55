/** The test-server plumbing: clear start-up failures, bounded waits, and stopping a whole process group. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServerStartError, freePort, processAlive, run, spawnServer, stopProcessGroup, waitUntil } from './common';

describe('test server plumbing', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-servers-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a server that dies while starting fails at once with its exit code and log tail', async () => {
    const proc = spawnServer('bash', ['-c', 'echo "java.net.BindException: Address already in use"; exit 3'], {
      logFile: path.join(dir, 'dies.log'),
      pidFile: path.join(dir, 'dies.pid'),
    });
    const t0 = Date.now();
    const err = await waitUntil('Fake server', async () => false, { timeoutMs: 30_000, proc }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ServerStartError);
    expect((err as Error).message).toMatch(
      /^Fake server: the process exited \(code 3\) before it was ready\. Log .*dies\.log:\n/
    );
    expect((err as Error).message).toContain('Address already in use');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a server that never becomes ready fails after the deadline, naming it', async () => {
    const proc = spawnServer('sleep', ['30'], {
      logFile: path.join(dir, 'slow.log'),
      pidFile: path.join(dir, 'slow.pid'),
    });
    try {
      await expect(waitUntil('Slow server', async () => false, { timeoutMs: 300, proc })).rejects.toThrow(
        /^Slow server: not ready after 0 s\./
      );
    } finally {
      await stopProcessGroup(proc.pid, 2000);
    }
    expect(processAlive(proc.pid)).toBe(false);
  });

  it('stopping a process group also stops its children', async () => {
    const childPidFile = path.join(dir, 'child.pid');
    const proc = spawnServer('bash', ['-c', `sleep 60 & echo $! > ${childPidFile}; wait`], {
      logFile: path.join(dir, 'group.log'),
      pidFile: path.join(dir, 'group.pid'),
    });
    await waitUntil(
      'child',
      async () => fs.existsSync(childPidFile) && fs.readFileSync(childPidFile, 'utf8').trim() !== '',
      { timeoutMs: 5000 }
    );
    const child = Number(fs.readFileSync(childPidFile, 'utf8'));
    expect(processAlive(child)).toBe(true);
    await stopProcessGroup(proc.pid, 5000);
    await waitUntil('child gone', async () => !processAlive(child), { timeoutMs: 5000 });
    expect(processAlive(proc.pid)).toBe(false);
  });

  it('a missing tool is reported with the setup script to run', async () => {
    await expect(run('vigil-no-such-tool', [], { timeoutMs: 5000, what: 'backfilling' })).rejects.toThrow(
      'backfilling: vigil-no-such-tool is not installed (run scripts/ci-setup.sh)'
    );
  });

  it('freePort gives a bindable localhost port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1024);
    expect(port).toBeLessThan(65536);
  });
});
