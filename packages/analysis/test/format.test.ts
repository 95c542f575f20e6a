import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMacs, formatPercent } from '../src/index.js';

describe('format helpers', () => {
  it('formats counts with K/M/B suffixes', () => {
    expect(formatCount(11_181_642)).toBe('11.18 M');
    expect(formatCount(61_706)).toBe('61.71 K');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(2_500_000_000)).toBe('2.50 B');
    expect(formatCount(-1500)).toBe('-1.50 K');
    expect(formatCount(11_181_642, { digits: 1 })).toBe('11.2 M');
  });

  it('carries into the next unit when rounding reaches it', () => {
    expect(formatCount(999_999)).toBe('1.00 M');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
  });

  it('formats bytes in binary units, or decimal with si', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.00 KiB');
    expect(formatBytes(171_999_232)).toBe('164.03 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.50 GiB');
    expect(formatBytes(411_058_176, { si: true })).toBe('411.06 MB');
    expect(formatBytes(411_058_176)).toBe('392.02 MiB');
  });

  it('formats multiply-adds and percentages', () => {
    expect(formatMacs(120_422_400)).toBe('120.42 MMACs');
    expect(formatMacs(1_814_073_344)).toBe('1.81 GMACs');
    expect(formatMacs(840)).toBe('840 MACs');
    expect(formatPercent(0.1834)).toBe('18%');
    expect(formatPercent(0.1834, { digits: 1 })).toBe('18.3%');
    expect(formatCount(Number.NaN)).toBe('NaN');
  });
});
