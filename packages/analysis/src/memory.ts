/** Bytes of a number of values stored in FP32 (4 bytes each) and FP16 (2 bytes each). */
export interface MemoryBytes {
  fp32: number;
  fp16: number;
}

export const BYTES_PER_VALUE = { fp32: 4, fp16: 2 } as const;

export function memoryOf(values: number): MemoryBytes {
  return { fp32: values * BYTES_PER_VALUE.fp32, fp16: values * BYTES_PER_VALUE.fp16 };
}

export function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}
