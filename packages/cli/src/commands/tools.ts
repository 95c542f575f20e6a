import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { describeEngine, doctor } from '@cnnlab/core';
import { readEvents, readRunDirectory, type DecodedEvent, type Damage } from '@cnnlab/tfevents';

function valueText(v: NonNullable<DecodedEvent['summary']>['values'][number]): string {
  switch (v.kind) {
    case 'scalar': return String((v as { value: number }).value);
    case 'text': return JSON.stringify((v as { text: unknown }).text).slice(0, 80);
    case 'histogram': return `histogram (${(v as { buckets: unknown[] }).buckets?.length ?? '?'} buckets)`;
    case 'image': return 'image';
    case 'hparams': return 'hparams';
    default: return v.kind;
  }
}

export function eventsCommand(): Command {
  return new Command('events')
    .description('Print the events of a TensorBoard event file or run directory (tag, step, value) and any damage found')
    .argument('<path>', 'event file or run directory')
    .option('--tag <text>', 'only tags containing this text')
    .option('--json', 'print JSON')
    .action(async (path: string, o: { tag?: string; json?: boolean }) => {
      if (!existsSync(path)) throw new Error(`Not found: ${path}`);
      const { events, damage } = statSync(path).isDirectory() ? await readRunDirectory(path) : await readEvents(path);
      const rows = events.flatMap((e) => (e.summary?.values ?? []).filter((v) => !o.tag || v.tag.includes(o.tag)).map((v) => ({ tag: v.tag, step: e.step, wallTime: e.wallTime, kind: v.kind, value: v })));
      if (o.json) return console.log(JSON.stringify({ events: rows, fileVersions: events.filter((e) => e.fileVersion).map((e) => e.fileVersion), damage }, (_, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v), 2));
      for (const r of rows) console.log(`${r.tag}\tstep ${r.step}\t${valueText(r.value)}`);
      printDamage(damage);
    });
}

function printDamage(damage: Damage[]): void {
  if (!damage.length) return console.log('\nNo damage found.');
  console.log(`\nDamage found (${damage.length}):`);
  for (const d of damage) console.log(`  ${JSON.stringify(d)}`);
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Show the engine in use (backend, device, threads, versions), why faster ones were skipped with the lines that install them, and what GPU training needs')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      // The engine (--backend, --device, --threads) comes from cnnlab's global options.
      const r = await doctor();
      if (o.json) return console.log(JSON.stringify(r, null, 2));
      console.log(`backend:   ${describeEngine(r.engine)} from ${r.engine.packageName}`);
      console.log(`device:    ${r.engine.device}`);
      console.log(`tfjs:      ${r.engine.tfjsVersion}`);
      const threadsHow = { wasm: ' (wasm worker threads; set with --threads or CNNLAB_THREADS)', torch: ' (libtorch intra-op threads; set with --threads or CNNLAB_THREADS)' }[r.engine.backend] ?? '';
      console.log(`threads:   ${r.engine.threads}${r.engine.threadsNote ? ` — ${r.engine.threadsNote}` : threadsHow}`);
      console.log(`node:      ${r.node} on ${r.platform}`);
      for (const p of r.optionalPackages) console.log(`optional:  ${p.name} ${p.installed ? 'installed' : `not installed — ${p.install}`}`);
      for (const s of r.engine.skipped) console.log(`skipped:   ${s}`);
      const probe = r.torch.probe;
      if (probe.available) console.log(`torch:     usable: libtorch ${probe.libtorchVersion}, ${probe.cuda ? 'with CUDA' : 'CPU only'} (addon ${probe.addonPath})`);
      else {
        console.log(`torch:     not usable: ${probe.reason?.split('\n')[0] ?? 'unknown reason'} To train on libtorch (the fastest CPU engine here):`);
        for (const line of r.torch.install) console.log(`             ${line}`);
      }
      if (r.gpuAdvice.length) console.log(`GPU:       ${r.gpuAdvice.join('\n           ')}`);
    });
}
