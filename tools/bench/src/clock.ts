/**
 * What the bench times steps by. `wall`: elapsed time (the default; what a user waits for). `cpu`: the process's
 * CPU time, user + system, all threads (Node's process.cpuUsage, Python's time.process_time on PyTorch's side):
 * on a machine shared with other jobs, time spent descheduled does not count, so repeated runs agree better.
 */
export type BenchClock = 'wall' | 'cpu';

export const CLOCK_ENV = 'CNNLAB_BENCH_CLOCK';

/** The clock from `--clock` or, without it, CNNLAB_BENCH_CLOCK; wall when neither is set. */
export function resolveClock(flag: string | undefined, env: string | undefined = process.env[CLOCK_ENV]): BenchClock {
  const value = flag ?? env ?? 'wall';
  if (value !== 'wall' && value !== 'cpu') {
    throw new Error(`${flag !== undefined ? '--clock' : CLOCK_ENV} takes wall or cpu, got "${value}"`);
  }
  return value;
}

/** Seconds on that clock from an arbitrary origin. */
export function clockSeconds(clock: BenchClock): number {
  if (clock === 'wall') return performance.now() / 1000;
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
