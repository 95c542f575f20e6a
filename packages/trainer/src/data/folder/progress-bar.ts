/**
 * Progress of the one-time cache build: a redrawn bar on a terminal's stderr,
 * else a line through `log` at every quarter (so logs and pipes stay readable).
 */
export function cacheProgress(label: string, log: (message: string) => void, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastQuarter = 0;
  return (done, total) => {
    const fraction = total === 0 ? 1 : done / total;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      log(`${label}: ${done}/${total} images decoded`);
    }
  };
}
