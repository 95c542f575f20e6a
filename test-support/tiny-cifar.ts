import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];

/** Writes a tiny CIFAR-10 folder into `dir`: 3-channel 32×32 images, `perFile` records per batch file, labels 0..9 in turn. */
export function writeTinyCifar10(dir: string, perFile = 30): string {
  mkdirSync(dir, { recursive: true });
  FILES.forEach((file, b) => {
    const bytes = Buffer.alloc(perFile * 3073);
    for (let r = 0; r < perFile; r++) {
      bytes[r * 3073] = r % 10;
      for (let p = 1; p < 3073; p++) bytes[r * 3073 + p] = (r * 37 + p * (1 + (r % 10)) + b) & 255;
    }
    writeFileSync(join(dir, file), bytes);
  });
  return dir;
}
