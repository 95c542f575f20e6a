import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SummaryWriter } from '@cnnlab/tfevents';
import { cnnlab } from './run-cli.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cnnlab-first-hour-cli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cnnlab events', () => {
  it('exits non-zero with a sentence on a file that is not an event file; --json still gives machine output', async () => {
    const text = join(dir, 'passwd');
    writeFileSync(text, 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    const plain = await cnnlab('events', text);
    expect(plain.code).not.toBe(0);
    expect(plain.err).toMatch(new RegExp(`^cnnlab: ${text} is not a TensorBoard event file \\(.*\\)\\n$`));
    expect(plain.out).toBe('');
    const json = await cnnlab('events', text, '--json');
    expect(json.code).not.toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ files: [text], events: [], damage: [{ kind: 'not-an-event-file', file: text }] });
  });

  it('says when a directory holds no event files', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = await cnnlab('events', empty);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/No TensorBoard event files \(events\.out\.tfevents\.\*\) in .*empty/);
  });

  it('names the file of each event when a run has several', async () => {
    const run = join(dir, 'two-files');
    const first = new SummaryWriter(run, { filenameSuffix: '.first' });
    first.scalar('train/loss', 1.5, 1);
    first.close();
    const second = new SummaryWriter(run, { filenameSuffix: '.second' });
    second.scalar('train/loss', 1.25, 2);
    second.close();
    const { out, code } = await cnnlab('events', run);
    expect(code).toBe(0);
    expect(out).toContain(`${basename(first.path)}:\ntrain/loss\tstep 1\t1.5\n\n${basename(second.path)}:\ntrain/loss\tstep 2\t1.25\n`);
    const json = JSON.parse((await cnnlab('events', run, '--json')).out) as { events: { file: string; step: number }[] };
    expect(json.events.map((e) => [basename(e.file), e.step])).toEqual([[basename(first.path), 1], [basename(second.path), 2]]);
  });

  it('keeps the plain listing of a single event file', async () => {
    const run = join(dir, 'one-file');
    const w = new SummaryWriter(run);
    w.scalar('val/accuracy', 0.75, 3);
    w.close();
    const { out, code } = await cnnlab('events', w.path);
    expect(code).toBe(0);
    expect(out).toMatch(/^val\/accuracy\tstep 3\t0\.75$/m);
  });
});

describe('commands that take a run directory', () => {
  it('say "Run directory not found: <dir>" alike for a missing directory', async () => {
    const missing = join(dir, 'no-such-run');
    for (const command of [['evaluate', missing], ['diagnose', missing], ['predict', missing, join(dir, 'x.png')]]) {
      const r = await cnnlab(...command);
      expect(r.code, command[0]).not.toBe(0);
      expect(r.err, command[0]).toBe(`cnnlab: Run directory not found: ${missing}\n`);
    }
  });

  it('name the directory when it holds no cnnlab run', async () => {
    const notRun = join(dir, 'not-a-run');
    mkdirSync(notRun);
    const r = await cnnlab('evaluate', notRun);
    expect(r.err).toBe(`cnnlab: Not a cnnlab run directory: ${notRun} (it has no config.json)\n`);
  });
});

describe('cnnlab complexity with d2l and ImageNet models', () => {
  it('says when a comparison mixes them', async () => {
    const { out, code } = await cnnlab('complexity', 'lenet', 'alexnet', 'resnet18');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe("Mixed comparison: alexnet, resnet18 are torchvision's ImageNet models (3x224x224, 1000 classes); lenet is d2l's (Fashion-MNIST sizes). Use --d2l or --imagenet to compare like with like.");
    expect((await cnnlab('complexity', 'lenet', 'alexnet-d2l')).out).not.toMatch(/Mixed/);
  });

  it('--d2l and --imagenet pick that variant of every name', async () => {
    const d2l = await cnnlab('complexity', '--d2l', 'lenet', 'alexnet', 'vgg11', 'googlenet', 'resnet18', 'densenet', '--json');
    expect((JSON.parse(d2l.out) as { name: string }[]).map((r) => r.name).sort()).toEqual(
      ['alexnet-d2l', 'densenet-d2l', 'googlenet-d2l', 'lenet', 'resnet18-d2l', 'vgg11-d2l']);
    const imagenet = await cnnlab('complexity', '--imagenet', 'alexnet-d2l', 'vgg11', '--json');
    expect((JSON.parse(imagenet.out) as { name: string; input: number[] }[]).map((r) => [r.name, r.input.join('x')]).sort()).toEqual(
      [['alexnet', '3x224x224'], ['vgg11', '3x224x224']]);
    expect((await cnnlab('complexity', '--imagenet', 'lenet', 'alexnet')).err).toBe('cnnlab: --imagenet: no torchvision ImageNet variant of lenet\n');
    expect((await cnnlab('complexity', '--d2l', '--imagenet', 'lenet')).err).toMatch(/Choose one of --d2l and --imagenet/);
  });

  it('list names the aliases', async () => {
    const { out } = await cnnlab('list');
    expect(out).toMatch(/^Aliases: .*densenet = densenet-d2l.*regnetx32 = regnetx32-d2l/m);
  });
});

describe("cnnlab explain: the course's worked examples", () => {
  it('bottleneck with the course\'s numbers as flags: 120,422,400 vs 12,443,648', async () => {
    const { out, code } = await cnnlab('explain', 'bottleneck', '--h', '28', '--w', '28', '--cin', '192', '--cout', '32', '--k', '5', '--r', '16');
    expect(code).toBe(0);
    expect(out).toMatch(/28·28·5²·192·32 = 120,422,400 multiply-adds/);
    expect(out).toMatch(/2,408,448 \+ 10,035,200 = 12,443,648 multiply-adds/);
    expect(out).toMatch(/120,422,400 vs 12,443,648: 9\.7x fewer multiply-adds/);
    // Other numbers redo the example: 14x14, 480 → 48 through 16 channels
    expect((await cnnlab('explain', 'bottleneck', '--h', '14', '--w', '14', '--cin', '480', '--cout', '48', '--k', '5', '--r', '16')).out)
      .toMatch(new RegExp(`= ${(14 * 14 * 25 * 480 * 48).toLocaleString('en-US')} multiply-adds`));
  });

  it('grouping, alexnet-fc, vgg-fc and densenet-channels print the course\'s numbers by default', async () => {
    expect((await cnnlab('explain', 'grouping', '--groups', '4')).out).toMatch(/4 groups: .* = 115,605,504 multiply-adds, 36,864 weights \(4x fewer\)/);
    expect((await cnnlab('explain', 'alexnet-fc')).out).toMatch(/total 42,999,808 parameters, 171,999,232 bytes = 164\.03 MiB in FP32/);
    expect((await cnnlab('explain', 'vgg-fc')).out).toMatch(/25088 → 4096: .* = 102,764,544 parameters[\s\S]*411,058,176 bytes/);
    expect((await cnnlab('explain', 'densenet-channels')).out).toMatch(/channels: 64 → 192 → 96 → 224 → 112 → 240 → 120 → 248$/m);
    expect((await cnnlab('explain', 'densenet-channels', '--blocks', '6,12,24,16')).out).toMatch(/channels: 64 → 256 → 128 → 512 → 256 → 1024 → 512 → 1024$/m);
  });

  it('rejects bad numbers naming the flag', async () => {
    expect((await cnnlab('explain', 'bottleneck', '--cin', '0')).err).toMatch(/--cin must be an integer ≥ 1, got "0"/);
    expect((await cnnlab('explain', 'densenet-channels', '--blocks', '4,x')).err).toMatch(/--blocks must be positive integers/);
  });
});
