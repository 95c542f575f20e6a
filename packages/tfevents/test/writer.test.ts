import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { EventFileWriter, eventFileName, readEventFileSync, SummaryWriter } from '../src/index.js';
import { splitRecords, tempDir } from './helpers.js';

const dir = tempDir();
const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const FILE_NAME = /^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+$/;

const recordCount = (path: string) => splitRecords(readFileSync(path)).length;

describe('event file names', () => {
  it('follow events.out.tfevents.<10-digit seconds>.<host>.<pid>.<counter>', () => {
    const writer = new SummaryWriter(join(dir, 'names'), { flushIntervalMs: 0 });
    writer.close();
    const name = basename(writer.path);
    expect(name).toMatch(FILE_NAME);
    const [, , , seconds, ...rest] = name.split('.');
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(60);
    expect(rest.at(-2)).toBe(String(process.pid));
  });

  it('count up per file across the process, so two writers in one second never collide', () => {
    const a = new SummaryWriter(join(dir, 'same'), { flushIntervalMs: 0 });
    const b = new SummaryWriter(join(dir, 'same'), { flushIntervalMs: 0 });
    a.close();
    b.close();
    expect(a.path).not.toBe(b.path);
    expect(Number(b.path.split('.').at(-1))).toBeGreaterThan(Number(a.path.split('.').at(-1)));
    expect(readdirSync(join(dir, 'same'))).toHaveLength(2);
  });

  it('sort after every event file already in the folder, so a run resumed in the same second is read last', () => {
    // A killed run's file from this very second, by a process whose pid sorts after ours, and one from the future.
    const runDir = join(dir, 'resumed');
    const now = Math.floor(Date.now() / 1000);
    new SummaryWriter(runDir, { flushIntervalMs: 0 }).close();
    writeFileSync(join(runDir, eventFileName({ time: now, host: 'zzz', pid: 99999999, counter: 0 })), '');
    const resumed = new SummaryWriter(runDir, { flushIntervalMs: 0 });
    resumed.close();
    expect(readdirSync(runDir).sort().at(-1)).toBe(basename(resumed.path));
    writeFileSync(join(runDir, eventFileName({ time: now + 100, host: 'box', pid: 1, counter: 0 })), '');
    const later = new SummaryWriter(runDir, { flushIntervalMs: 0 });
    later.close();
    expect(basename(later.path)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.${now + 101}\\.`));
    expect(readdirSync(runDir).sort().at(-1)).toBe(basename(later.path));
  });

  it('can be built from parts, with a suffix', () => {
    expect(eventFileName({ time: 1700000000.9, host: 'box', pid: 42, counter: 3, suffix: '.v2' })).toBe(
      'events.out.tfevents.1700000000.box.42.3.v2',
    );
    expect(eventFileName({ time: 5, host: 'a/b', pid: 1, counter: 0 })).toBe('events.out.tfevents.0000000005.a_b.1.0');
  });
});

describe('EventFileWriter', () => {
  it('creates the logdir recursively and writes file_version at once', () => {
    const logdir = join(dir, 'deep', 'er', 'run');
    const writer = new EventFileWriter(logdir, { flushIntervalMs: 0 });
    expect(existsSync(writer.path)).toBe(true);
    expect(readEventFileSync(writer.path).events).toMatchObject([{ fileVersion: 'brain.Event:2', step: 0 }]);
    writer.close();
  });

  it('queues records until flush()', () => {
    const writer = new SummaryWriter(join(dir, 'queue'), { flushIntervalMs: 0 });
    writer.scalar('x', 1, 1);
    expect(recordCount(writer.path)).toBe(1);
    expect(writer.fileWriter.pendingBytes).toBeGreaterThan(0);
    writer.flush();
    expect(recordCount(writer.path)).toBe(2);
    expect(writer.fileWriter.pendingBytes).toBe(0);
    writer.close();
  });

  it('flushes on a timer', async () => {
    const writer = new SummaryWriter(join(dir, 'timer'), { flushIntervalMs: 20 });
    writer.scalar('x', 1, 1);
    writer.scalar('x', 2, 2);
    await vi.waitFor(() => expect(recordCount(writer.path)).toBe(3), { timeout: 2000, interval: 10 });
    writer.scalar('x', 3, 3);
    await vi.waitFor(() => expect(recordCount(writer.path)).toBe(4), { timeout: 2000, interval: 10 });
    writer.close();
  });

  it('flushes when the queue passes maxQueueBytes', () => {
    const writer = new SummaryWriter(join(dir, 'max-queue'), { flushIntervalMs: 0, maxQueueBytes: 500 });
    for (let i = 0; i < 20; i++) writer.scalar('x', i, i);
    expect(recordCount(writer.path)).toBeGreaterThan(1);
    expect(writer.fileWriter.pendingBytes).toBeLessThan(500);
    writer.close();
    expect(recordCount(writer.path)).toBe(21);
  });

  it('close() flushes; a write after close throws saying the writer is closed', () => {
    const writer = new SummaryWriter(join(dir, 'closed'), { flushIntervalMs: 0 });
    writer.scalar('x', 1, 1);
    writer.close();
    expect(writer.closed).toBe(true);
    expect(recordCount(writer.path)).toBe(2);
    expect(() => writer.scalar('x', 2, 2)).toThrow(/closed/);
    expect(() => writer.text('t', 'x', 2)).toThrow(Error);
    expect(() => writer.fileWriter.writeRecord(new Uint8Array(1))).toThrow(/closed/);
    expect(() => writer.close()).not.toThrow();
    expect(() => writer.flush()).not.toThrow();
    expect(recordCount(writer.path)).toBe(2);
  });

  it('adds one shared exit listener while writers are open and removes it when all are closed', () => {
    const before = process.listenerCount('exit');
    const writers = Array.from({ length: 12 }, () => new SummaryWriter(join(dir, 'listeners'), { flushIntervalMs: 0 }));
    expect(process.listenerCount('exit')).toBe(before + 1);
    writers.slice(1).forEach((w) => w.close());
    expect(process.listenerCount('exit')).toBe(before + 1);
    writers[0]!.close();
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('does not listen for exit when flushOnExit is false', () => {
    const before = process.listenerCount('exit');
    const writer = new SummaryWriter(join(dir, 'no-exit'), { flushIntervalMs: 0, flushOnExit: false });
    expect(process.listenerCount('exit')).toBe(before);
    writer.close();
  });

  it('reports a failing background flush to onError and keeps the data queued', async () => {
    const errors: Error[] = [];
    const writer = new SummaryWriter(join(dir, 'failing'), { flushIntervalMs: 10, onError: (e) => errors.push(e) });
    const original = writer.fileWriter.flush.bind(writer.fileWriter);
    const spy = vi.spyOn(writer.fileWriter, 'flush').mockImplementation(() => {
      throw new Error('disk full');
    });
    writer.scalar('x', 1, 1);
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 2000, interval: 10 });
    expect(errors[0]!.message).toBe('disk full');
    spy.mockRestore();
    original();
    expect(recordCount(writer.path)).toBe(2);
    writer.close();
  });
});

describe('at process exit', () => {
  it('flushes queued events, and the unref’d timer does not keep the process alive', () => {
    const logdir = join(dir, 'child');
    const script = join(dir, 'child.mts');
    writeFileSync(
      script,
      `import { SummaryWriter } from ${JSON.stringify(join(PACKAGE_DIR, 'src', 'index.ts'))};
const writer = new SummaryWriter(${JSON.stringify(logdir)}, { flushIntervalMs: 60_000 });
writer.scalar('loss', 0.5, 1);
writer.scalar('loss', 0.25, 2);
if (process.argv[2] === 'explicit') process.exit(3);
// Otherwise the script just ends: no close(), no flush().
`,
    );
    for (const mode of ['natural', 'explicit']) {
      const started = Date.now();
      const child = spawnSync(process.execPath, ['--import', 'tsx', script, mode], {
        cwd: PACKAGE_DIR,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(mode === 'explicit' ? 3 : 0);
      expect(Date.now() - started).toBeLessThan(30_000);
    }
    const files = readdirSync(logdir).map((f) => join(logdir, f));
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(statSync(file).size).toBeGreaterThan(0);
      const { events, damage } = readEventFileSync(file);
      expect(damage).toEqual([]);
      expect(events.map((e) => e.step)).toEqual([0, 1, 2]);
    }
  });
});
