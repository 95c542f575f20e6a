import { Command } from 'commander';
import { loadFamilies } from './families.js';
import { complexityCommand, listCommand, summaryCommand } from './commands/models.js';
import { diagnoseCommand, evaluateCommand, predictCommand, runsCommand } from './commands/runs.js';
import { doctorCommand, eventsCommand } from './commands/tools.js';
import { dashboardCommand } from './commands/dashboard.js';
import { quickstartCommand } from './commands/quickstart.js';
import { trainCommand } from './commands/train.js';

export function program(): Command {
  const cli = new Command('cnnlab')
    .description('Build, train, inspect and compare the convolutional networks of d2l.ai chapter 8')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  for (const command of [trainCommand(), evaluateCommand(), predictCommand(), runsCommand(), diagnoseCommand(), listCommand(), summaryCommand(),
    complexityCommand(), eventsCommand(), doctorCommand(), dashboardCommand(), quickstartCommand()]) {
    cli.addCommand(command);
  }
  return cli;
}

/** Runs the CLI; errors are one clear line (CNNLAB_DEBUG=1 for the stack). */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await loadFamilies();
    await program().parseAsync(argv);
  } catch (error) {
    const e = error as Error;
    process.stderr.write(`cnnlab: ${process.env.CNNLAB_DEBUG ? e.stack : e.message}\n`);
    process.exitCode = 1;
  }
}
