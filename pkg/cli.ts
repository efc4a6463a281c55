import { Command } from 'commander';

/** Entry point of the `vigil` command. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program.name('vigil').description('Vigil: anomaly detection for Grafana — detectors, ensemble and engine');
  await program.parseAsync(argv);
  return 0;
}
