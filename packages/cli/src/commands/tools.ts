import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
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
    .option('--json', 'print JSON (machine output, also for a file that is not an event file)')
    .action(async (path: string, o: { tag?: string; json?: boolean }) => {
      if (!existsSync(path)) throw new Error(`Not found: ${path}`);
      const { events, damage, files } = await readEventsAt(path);
      const rows = events.flatMap((e) => (e.summary?.values ?? []).filter((v) => !o.tag || v.tag.includes(o.tag)).map((v) => ({ file: e.file ?? path, tag: v.tag, step: e.step, wallTime: e.wallTime, kind: v.kind, value: v })));
      if (o.json) {
        console.log(JSON.stringify({ files, events: rows, fileVersions: events.filter((e) => e.fileVersion).map((e) => e.fileVersion), damage }, (_, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v), 2));
      } else {
        notEventFiles(path, damage, events.length, files.length);
        let file: string | undefined;
        for (const r of rows) {
          // A run of several event files (resumes, evaluations): a heading before each file's events
          if (files.length > 1 && r.file !== file) console.log(`${file === undefined ? '' : '\n'}${basename((file = r.file))}:`);
          console.log(`${r.tag}\tstep ${r.step}\t${valueText(r.value)}`);
        }
        printDamage(damage);
      }
      if (damage.some((d) => d.kind === 'not-an-event-file') || files.length === 0) process.exitCode = 1;
    });
}

async function readEventsAt(path: string): Promise<{ events: DecodedEvent[]; damage: Damage[]; files: string[] }> {
  if (statSync(path).isDirectory()) return readRunDirectory(path);
  return { ...(await readEvents(path)), files: [path] };
}

/** Stops with a sentence when nothing read is an event file (a run directory without event files, or e.g. /etc/passwd). */
function notEventFiles(path: string, damage: Damage[], events: number, files: number): void {
  if (files === 0) throw new Error(`No TensorBoard event files (events.out.tfevents.*) in ${path}`);
  const rejected = damage.filter((d) => d.kind === 'not-an-event-file');
  if (events === 0 && rejected.length === files) {
    throw new Error(`${rejected.map((d) => d.file).join(', ')} ${files === 1 ? 'is not a TensorBoard event file' : 'are not TensorBoard event files'} (${rejected[0]!.message})`);
  }
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
      if (probe.available) {
        console.log(`torch:     usable: libtorch ${probe.libtorchVersion}, ${probe.cuda ? 'with CUDA' : probe.cudaBuild ? 'CUDA build, on the CPU' : 'CPU only'} (addon ${probe.addonPath})`);
        if (probe.cudaNote) console.log(`cuda:      ${probe.cudaNote}`);
      }
      else {
        console.log(`torch:     not usable: ${probe.reason?.split('\n')[0] ?? 'unknown reason'} To train on libtorch (the fastest CPU engine here):`);
        for (const line of r.torch.install) console.log(`             ${line}`);
      }
      if (r.gpuAdvice.length) console.log(`GPU:       ${r.gpuAdvice.join('\n           ')}`);
    });
}
