/**
 * One shared 'exit' listener flushes every open writer, so that many writers do not pile up
 * listeners (and Node's MaxListenersExceededWarning). It is removed when the last writer closes.
 */
interface Flushable {
  flush(): void;
}

const openWriters = new Set<Flushable>();

function flushAllOnExit(): void {
  for (const writer of openWriters) {
    try {
      writer.flush();
    } catch {
      // The process is exiting; one failing writer must not stop the others from flushing.
    }
  }
}

export function flushOnExit(writer: Flushable): void {
  if (openWriters.size === 0) process.on('exit', flushAllOnExit);
  openWriters.add(writer);
}

export function stopFlushingOnExit(writer: Flushable): void {
  if (!openWriters.delete(writer)) return;
  if (openWriters.size === 0) process.off('exit', flushAllOnExit);
}
