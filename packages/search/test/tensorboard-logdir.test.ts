import '@cnnlab/arch-lenet';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type protobuf from 'protobufjs';
import { evaluateRun, resumeRun, train } from '@cnnlab/trainer';
import { runSweep } from '../src/index.js';
import { loadTensorBoardProtos, readRecordsOf, TO_OBJECT } from '../../../test-support/tensorboard-protos.js';
import { GRID_SPEC, TINY } from './helpers/specs.js';

/**
 * A logdir as a user builds it — three LeNet runs and a 4-trial sweep — read
 * the way TensorBoard reads it, by protobufjs with TensorBoard's own .proto
 * files: one HParams session group per run and trial, one experiment, each
 * (tag, step) once per run even after a resume of a finished run and
 * `evaluate --force`.
 */

type Obj = Record<string, any>;
const logdir = mkdtempSync(join(tmpdir(), 'cnnlab-tb-logdir-'));
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

interface DecodedRun {
  group: string | undefined;
  experiments: string[];
  layouts: Obj[];
  counts: Map<string, number>;
}

/** Every directory holding event files, as TensorBoard names runs: its path relative to the logdir. */
function tensorBoardRuns(dir: string, found: string[] = []): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name.includes('tfevents'))) found.push(dir);
  for (const e of entries) if (e.isDirectory()) tensorBoardRuns(join(dir, e.name), found);
  return found;
}

function decodeRun(root: protobuf.Root, runDir: string): DecodedRun {
  const Event = root.lookupType('tensorboard.Event');
  const PluginData = root.lookupType('tensorboard.hparams.HParamsPluginData');
  const Layout = root.lookupType('tensorboard.Layout');
  const run: DecodedRun = { group: undefined, experiments: [], layouts: [], counts: new Map() };
  const files = readdirSync(runDir).filter((f) => f.includes('tfevents')).sort();
  for (const file of files) {
    for (const record of readRecordsOf(join(runDir, file))) {
      const event = Event.toObject(Event.decode(record.data), TO_OBJECT);
      for (const value of event.summary?.value ?? []) {
        const key = `${value.tag}@${event.step ?? 0}`;
        run.counts.set(key, (run.counts.get(key) ?? 0) + 1);
        const plugin = value.metadata?.plugin_data;
        if (plugin?.plugin_name === 'hparams') {
          const data = PluginData.toObject(PluginData.decode(plugin.content), TO_OBJECT);
          if (data.session_start_info) run.group = data.session_start_info.group_name;
          if (data.experiment) run.experiments.push(JSON.stringify(data.experiment));
        }
        if (plugin?.plugin_name === 'custom_scalars') run.layouts.push(Layout.toObject(Layout.decode(value.tensor.string_val[0]), TO_OBJECT));
      }
    }
  }
  return run;
}

describe('a logdir of three LeNet runs and a 4-trial sweep, read with TensorBoard’s protos', () => {
  let runs: Map<string, DecodedRun>;

  beforeAll(async () => {
    for (const [i, lr] of [0.1, 0.3, 0.9].entries()) await train({ arch: 'lenet', epochs: 1, lr, ...TINY, logdir, name: `lenet-${i}` });
    await runSweep(GRID_SPEC, { dir: join(logdir, 'sweep') });
    // A resume of a finished run, and a second look at the test split.
    await resumeRun(join(logdir, 'lenet-0'));
    await evaluateRun(join(logdir, 'lenet-1'));
    await evaluateRun(join(logdir, 'lenet-1'), { force: true });
    const root = loadTensorBoardProtos();
    runs = new Map(tensorBoardRuns(logdir).map((dir) => [relative(logdir, dir), decodeRun(root, dir)]));
  });

  it('has seven sessions with an empty group, so TensorBoard names each row by its run path (unique in any logdir above)', () => {
    const names = ['lenet-0', 'lenet-1', 'lenet-2', 'sweep/trial-000', 'sweep/trial-001', 'sweep/trial-002', 'sweep/trial-003'];
    expect([...runs.keys()].sort()).toEqual(names);
    expect(names.map((name) => runs.get(name)!.group ?? '')).toEqual(names.map(() => ''));
  });

  it('writes no experiment record: TensorBoard builds it from the sessions, with differs and every scalar as a metric', () => {
    for (const r of runs.values()) expect(r.experiments).toHaveLength(0);
  });

  it('overlays train and validation curves with a custom-scalars layout in every run', () => {
    for (const run of runs.values()) {
      expect(run.layouts).toHaveLength(1);
      expect(run.layouts[0]!.category[0].chart.map((c: Obj) => c.multiline.tag)).toEqual([['^(train|val|test)/loss$'], ['^(train|val|test)/accuracy$'], ['^best/val_(loss|accuracy)$']]);
    }
  });

  it('has each (tag, step) once per run, after a resume of a finished run and evaluate --force', () => {
    for (const [name, run] of runs) {
      expect([...run.counts].filter(([, n]) => n > 1).map(([key]) => key), name).toEqual([]);
    }
    expect(runs.get('lenet-1')!.counts.get('test/accuracy@1')).toBe(1);
    expect(runs.get('lenet-0')!.counts.get('summary/diagnosis@1')).toBe(1);
  });
});
