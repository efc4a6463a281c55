import { countTurns } from '../../tests/helpers/turns';
import { RunSlices } from './turns';

/** how many event-loop turns ran while `pieces` pieces of work went through `slices` */
async function turnsDuring(slices: RunSlices, pieces: number): Promise<number> {
  const turns = countTurns();
  for (let i = 0; i < pieces; i++) await slices.turn();
  return turns.stop();
}

describe('RunSlices', () => {
  it('gives the event loop a turn at each piece once the slice is used, and none inside it', async () => {
    expect(await turnsDuring(new RunSlices(0), 10)).toBeGreaterThanOrEqual(10);
    expect(await turnsDuring(new RunSlices(60_000), 10)).toBe(0);
  });

  it('starts a new slice after each turn', async () => {
    const slices = new RunSlices(200);
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const turns = countTurns();
    busy(250);
    await slices.turn(); // the slice is used: one turn
    const after = turns.count;
    await slices.turn(); // a new slice has just begun: no turn
    expect(after).toBeGreaterThanOrEqual(1);
    expect(turns.stop()).toBe(after);
  });
});
