import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, DEVICE_CHOICES, loadInstalledFamilies, MAX_WASM_THREADS, validateThreads } from '@cnnlab/core';
import { complexityCommand, listCommand, summaryCommand } from './commands/models.js';
import { diagnoseCommand, evaluateCommand, predictCommand, runsCommand } from './commands/runs.js';
import { doctorCommand, eventsCommand } from './commands/tools.js';
import { dashboardCommand } from './commands/dashboard.js';
import { explainCommand } from './commands/explain.js';
import { lrFindCommand } from './commands/lr-find.js';
import { quickstartCommand } from './commands/quickstart.js';
import { searchCommand, sweepCommand } from './commands/sweep.js';
import { seedsCommand } from './commands/seeds.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';

/** This package's version (src/ and dist/ both sit next to package.json, which nx release bumps). */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function program(): Command {
  const cli = new Command('cnnlab')
    .description('Build, train, inspect and compare the convolutional networks of d2l.ai chapter 8')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addOption(new Option('--backend <name>', 'engine: auto takes the fastest that loads (see cnnlab doctor); default CNNLAB_BACKEND, else auto').choices([...BACKEND_CHOICES]))
    .addOption(new Option('--device <name>', 'where the torch engine computes: auto is CUDA where libtorch has it; default CNNLAB_DEVICE, else auto').choices([...DEVICE_CHOICES]))
    .option('--threads <n>', `compute threads of the wasm and torch engines, 1–${MAX_WASM_THREADS} (default: CNNLAB_THREADS, else every core)`)
    .hook('preAction', (command) => {
      const { threads, backend, device } = command.opts<{ threads?: string; backend?: string; device?: string }>();
      // The engine reads these when a command (or a sweep's child process) first initialises it.
      if (threads !== undefined) process.env.CNNLAB_THREADS = String(validateThreads(threads, '--threads'));
      if (backend !== undefined) process.env.CNNLAB_BACKEND = backend;
      if (device !== undefined) process.env.CNNLAB_DEVICE = device;
    });
  for (const command of [trainCommand(), evaluateCommand(), predictCommand(), runsCommand(), diagnoseCommand(), listCommand(), summaryCommand(),
    complexityCommand(), explainCommand(), sweepCommand(), searchCommand(), eventsCommand(), doctorCommand(), dashboardCommand(), quickstartCommand(), workerCommand(), lrFindCommand(), seedsCommand()]) {
    cli.addCommand(command);
  }
  return cli;
}

/** Runs the CLI; errors are one clear line (CNNLAB_DEBUG=1 for the stack). */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    for (const f of (await loadInstalledFamilies()).failed) process.stderr.write(`cnnlab: warning: ${f.name} failed to load: ${f.error}\n`);
    await program().parseAsync(argv);
  } catch (error) {
    const e = error as Error;
    process.stderr.write(`cnnlab: ${process.env.CNNLAB_DEBUG ? e.stack : e.message}\n`);
    process.exitCode = 1;
  }
}
