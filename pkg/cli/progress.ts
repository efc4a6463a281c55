/**
 * A progress indicator on stderr for long work: silent for the first second, then at most one update a
 * second (a rewritten line on a terminal, plain lines otherwise), and a final line when done.
 */
export class Progress {
  private readonly started: number;
  private lastPrint = 0;
  private printed = false;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
    private readonly now: () => number = Date.now
  ) {
    this.started = now();
  }

  update(text: string): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.started < 1000 || t - this.lastPrint < 1000) return;
    this.lastPrint = t;
    this.printed = true;
    const line = `${this.label}: ${text}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\u001b[K`);
    else this.stream.write(`${line}\n`);
  }

  done(text: string): void {
    if (!this.enabled || !this.printed) return;
    const line = `${this.label}: ${text} (${((this.now() - this.started) / 1000).toFixed(1)} s)`;
    this.stream.write(this.stream.isTTY ? `\r${line}\u001b[K\n` : `${line}\n`);
  }
}
