import { describe, expect, it } from 'vitest';
import { resolveTorchDevice } from '../src/device.js';

describe('resolveTorchDevice', () => {
  it('puts auto on CUDA where libtorch has it, else on the CPU', () => {
    expect(resolveTorchDevice('auto', true)).toBe('cuda');
    expect(resolveTorchDevice('auto', false)).toBe('cpu');
  });

  it('honours an explicit cpu even with CUDA available', () => {
    expect(resolveTorchDevice('cpu', true)).toBe('cpu');
    expect(resolveTorchDevice('cpu', false)).toBe('cpu');
  });

  it('gives cuda when asked and available', () => {
    expect(resolveTorchDevice('cuda', true)).toBe('cuda');
  });

  it('refuses cuda without CUDA, saying how to get it', () => {
    expect(() => resolveTorchDevice('cuda', false)).toThrow(/no CUDA device.*LIBTORCH=<dir>.*--device cpu/s);
  });

  it('names the choices for an unknown device', () => {
    expect(() => resolveTorchDevice('gpu' as never, true)).toThrow('Unknown device "gpu". Choose one of: auto, cpu, cuda');
  });
});
