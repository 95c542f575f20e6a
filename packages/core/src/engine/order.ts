import type { DeviceChoice } from './torch.js';

/** What a user may ask for; `auto` takes the fastest one that loads. */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'torch' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'torch', 'tensorflow', 'wasm', 'cpu'];

/** One engine to try, on one device. */
export interface EngineSlot {
  choice: Exclude<BackendChoice, 'auto'>;
  device: DeviceChoice;
}

const CPU_ONLY: readonly BackendChoice[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * The engines `initEngine` tries, in order. `auto` puts GPU engines first
 * (torch on CUDA where the installed libtorch has it, then tfjs-node-gpu),
 * then the CPU engines fastest first as measured by `npm run bench` on this
 * project's machines: torch (libtorch/oneDNN), tfjs-node (libtensorflow, not
 * installable from npm alone), wasm (XNNPACK), then tfjs's pure-JS `cpu`.
 * `--device cpu` drops the GPU engines, `--device cuda` keeps only them.
 */
export function engineOrder(requested: BackendChoice, device: DeviceChoice, torchHasCuda: boolean): EngineSlot[] {
  if (requested === 'torch') return [{ choice: 'torch', device }];
  if (requested === 'tensorflow-gpu') {
    if (device === 'cpu') throw new Error('--device cpu contradicts --backend tensorflow-gpu (a CUDA engine); choose --backend tensorflow for the CPU');
    return [{ choice: 'tensorflow-gpu', device: 'cuda' }];
  }
  if (requested !== 'auto') {
    if (device === 'cuda') {
      throw new Error(`--device cuda: the ${requested} engine runs on the CPU only; CUDA needs --backend torch with a CUDA build of libtorch, or --backend tensorflow-gpu`);
    }
    return [{ choice: requested, device: 'cpu' }];
  }
  const gpu: EngineSlot[] = device === 'cpu' ? [] : [
    ...(torchHasCuda || device === 'cuda' ? [{ choice: 'torch' as const, device: 'cuda' as const }] : []),
    { choice: 'tensorflow-gpu', device: 'cuda' },
  ];
  const cpu: EngineSlot[] = device === 'cuda' ? [] : [{ choice: 'torch', device: 'cpu' }, ...CPU_ONLY.map((choice) => ({ choice, device: 'cpu' }) as EngineSlot)];
  return [...gpu, ...cpu];
}
