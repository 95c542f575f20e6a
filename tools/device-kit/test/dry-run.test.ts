// The kit's dry run (issue 24): pack, copy the kit alone into an empty folder,
// `run.sh --cpu` there against Debian's python3-torch (under a minute with the
// pack's caches warm, ~3 when cold or busy). Skipped, with the install line, where python3 has no torch;
// CNNLAB_DEVICE_KIT_DRY_RUN=0 skips it too.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pack } from '../src/pack.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const wanted = process.env.CNNLAB_DEVICE_KIT_DRY_RUN !== '0';
if (wanted && !hasTorch) console.warn(`Skipping the device kit's dry run: ${PYTHON} has no torch (apt-get install -y python3-torch)`);

describe.runIf(wanted && hasTorch)('run.sh --cpu from an empty folder holding only the kit', () => {
  it('builds the addon against python3-torch, passes the parity grid and trains LeNet for an epoch', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kit-dry-'));
    try {
      const size = await pack(join(root, 'packed'), () => {});
      expect(size).toBeLessThanOrEqual(60 * 2 ** 20);
      cpSync(join(root, 'packed'), join(root, 'empty', 'kit'), { recursive: true });
      rmSync(join(root, 'packed'), { recursive: true });
      const run = spawnSync('bash', ['kit/run.sh', '--cpu'], {
        cwd: join(root, 'empty'), encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHON, OUT: join(root, 'out'), KIT_WORK: join(root, 'work') },
      });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(root, 'out', 'summary.json'), 'utf8'));
      for (const step of ['unpack', 'build-addon', 'doctor', 'parity', 'train-lenet']) expect(summary.steps[step]?.status, step).toBe('ok');
      expect(summary.parity.failed).toEqual([]);
      expect(summary.train.lenet.epochs).toBe(1);
      expect(summary.train.lenet.engine.backend).toBe('torch');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 900_000);
});
