/** A count of event-loop turns: a `setImmediate` chain that counts each turn until stopped. */
export interface TurnCounter {
  /** turns counted so far */
  readonly count: number;
  /** stop counting; returns the final count */
  stop(): number;
}

/** Start counting event-loop turns from now (tests of work that should, or should not, give the loop a turn). */
export function countTurns(): TurnCounter {
  let count = 0;
  let going = true;
  const tick = () => {
    if (!going) return;
    count++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get count() {
      return count;
    },
    stop() {
      going = false;
      return count;
    },
  };
}
