import { Command, CommanderError } from 'commander';
import packageJson from '../package.json';
import { InputError, ParameterError, SourceError } from './core/errors';
import { benchAlertsCommand } from './cli/benchAlerts';
import { benchDriftCommand } from './cli/benchDrift';
import { benchLogAnomaliesCommand, benchLogParseCommand } from './cli/benchLogs';
import { benchNabCommand } from './cli/benchNab';
import { detectCommand } from './cli/detect';
import { demoCommand } from './cli/demo';
import { forecastCommand } from './cli/forecast';
import { logsCommand, rulesCommand } from './cli/logs';
import { reportCommand } from './cli/report';
import { serveCommand } from './cli/serve';
import { scrubSecrets } from './core/scrub';

/** Build the `vigil` program with every command. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('vigil')
    .description('Vigil: anomaly detection for Grafana — detectors, ensemble and engine')
    .version(packageJson.version)
    .showHelpAfterError();
  program.addCommand(detectCommand());
  program.addCommand(demoCommand());
  program.addCommand(serveCommand());
  program.addCommand(
    benchNabCommand()
      .addCommand(benchAlertsCommand())
      .addCommand(benchDriftCommand())
      .addCommand(benchLogParseCommand())
      .addCommand(benchLogAnomaliesCommand())
  );
  program.addCommand(forecastCommand());
  program.addCommand(reportCommand());
  program.addCommand(logsCommand());
  program.addCommand(rulesCommand());
  return program;
}

/**
 * Entry point of the `vigil` command. Returns the process exit code: 0 on success, 1 for bad input or a
 * failing source (message on stderr naming what was wrong), 2 for bad usage.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof InputError || e instanceof ParameterError || e instanceof SourceError) {
      process.stderr.write(`vigil: ${scrubSecrets(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}
