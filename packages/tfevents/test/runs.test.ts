import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEventFiles, listRuns, readRunDirectory, readRunEvents, scalarSeries, SummaryWriter } from '../src/index.js';
import { tempDir } from './helpers.js';

const root = tempDir();

function writeRun(dir: string, steps: number[], tag = 'loss'): string {
  const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
  for (const step of steps) writer.scalar(tag, step * 10, step, { wallTime: 1000 + step });
  writer.close();
  return writer.path;
}

describe('listRuns', () => {
  const logdir = join(root, 'logs');
  const outside = join(root, 'outside');

  it('finds every directory that directly holds an event file, the logdir itself and nested ones included', async () => {
    writeRun(logdir, [1]);
    writeRun(join(logdir, 'resnet', 'lr=0.1'), [1]);
    writeRun(join(logdir, 'resnet', 'lr=0.01'), [1]);
    writeRun(join(logdir, 'vgg'), [1]);
    mkdirSync(join(logdir, 'empty', 'deeper'), { recursive: true });
    writeFileSync(join(logdir, 'empty', 'notes.txt'), 'not a run');
    writeRun(outside, [1]);
    symlinkSync(outside, join(logdir, 'link-out'));
    symlinkSync(join(logdir, 'vgg'), join(logdir, 'link-in'));
    symlinkSync(logdir, join(logdir, 'vgg', 'loop'));

    expect(await listRuns(logdir)).toEqual(['.', 'resnet/lr=0.01', 'resnet/lr=0.1', 'vgg']);
  });

  it('hands each run to onRun as the walk finds it, before the walk ends', async () => {
    const streamed = join(root, 'streamed');
    const names = Array.from({ length: 30 }, (_, i) => `g${i % 3}/2026-01-${String(i + 1).padStart(2, '0')}`);
    for (const name of names) writeRun(join(streamed, name), [1]);
    const seen: string[] = [];
    let ended = false;
    const seenBeforeEnd: number[] = [];
    const listing = listRuns(streamed, { onRun: (name) => (seen.push(name), ended || seenBeforeEnd.push(seen.length)) }).then((l) => ((ended = true), l));
    const listed = await listing;
    expect(seen.length).toBe(30);
    expect(seenBeforeEnd.length).toBe(30);
    expect([...seen].sort()).toEqual([...names].sort());
    expect(listed).toEqual([...names].sort());
  });

  it('rejects a logdir that does not exist', async () => {
    await expect(listRuns(join(root, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});

describe('readRunDirectory', () => {
  it('concatenates the run’s event files in file-name order, without sub-directories', async () => {
    const run = join(root, 'resumed');
    const first = writeRun(run, [1, 2, 3]);
    const second = writeRun(run, [3, 4]);
    writeRun(join(run, 'child'), [99]);
    writeFileSync(join(run, 'events.out.tfevents.0000000001.old.1.0'), '');
    writeFileSync(join(run, 'checkpoint.json'), '{}');

    const files = await listEventFiles(run);
    expect(files).toEqual([join(run, 'events.out.tfevents.0000000001.old.1.0'), first, second].sort());
    expect(files.indexOf(first)).toBeLessThan(files.indexOf(second));

    const { events, damage } = await readRunDirectory(run);
    expect(damage).toEqual([]);
    expect(events.map((e) => [e.file, e.step])).toEqual([
      [first, 0],
      [first, 1],
      [first, 2],
      [first, 3],
      [second, 0],
      [second, 3],
      [second, 4],
    ]);

    const streamed = [];
    for await (const event of readRunEvents(run)) streamed.push(event);
    expect(streamed).toEqual(events);
  });

  it('reports damage per file and keeps reading the other files', async () => {
    const run = join(root, 'damaged');
    const good = writeRun(run, [1]);
    const bad = join(run, 'events.out.tfevents.0000000002.bad.1.0');
    writeFileSync(bad, 'garbage that is long enough for a header');
    const { events, damage } = await readRunDirectory(run);
    expect(events.map((e) => e.step)).toEqual([0, 1]);
    expect(damage).toMatchObject([{ kind: 'not-an-event-file', offset: 0, file: bad }]);
    expect(events[0]!.file).toBe(good);
  });
});

describe('scalarSeries', () => {
  it('groups scalar points per tag, in event order, ignoring other kinds', async () => {
    const run = join(root, 'series');
    const writer = new SummaryWriter(run, { flushIntervalMs: 0 });
    writer.scalar('loss', 1, 1, { wallTime: 11 });
    writer.scalars({ loss: 0.5, acc: 0.25 }, 2, { wallTime: 12 });
    writer.text('note', 'x', 2);
    writer.scalar('acc', 0.75, 3, { legacy: true, wallTime: 13 });
    writer.close();
    const { events } = await readRunDirectory(run);
    const series = scalarSeries(events);
    expect([...series.keys()]).toEqual(['loss', 'acc']);
    expect(series.get('loss')).toEqual([
      { step: 1, wallTime: 11, value: 1 },
      { step: 2, wallTime: 12, value: 0.5 },
    ]);
    expect(series.get('acc')).toEqual([
      { step: 2, wallTime: 12, value: 0.25 },
      { step: 3, wallTime: 13, value: 0.75 },
    ]);
  });
});
