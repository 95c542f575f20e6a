// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageSummary } from '../server/image-types.js';
import LineChart from '../src/components/LineChart.svelte';
import { lrLabel } from '../src/lib/lr-find.js';
import { augmentCaption, byTag, plainText } from '../src/lib/run-images.js';

afterEach(() => cleanup());

describe('lrLabel', () => {
  it('writes a rate in three digits, powers of ten short', () => {
    expect([1e-7, 1.268961e-6, 0.0417531, 0.9, 10, 2.5e-3, 1200].map(lrLabel)).toEqual(['1e-7', '1.27e-6', '0.0418', '0.9', '10', '2.5e-3', '1.2e3']);
  });
});

describe('byTag', () => {
  const image = (tag: string, step: number): ImageSummary => ({ tag, step, wallTime: 0, width: 10, height: 10, samples: 1, bytes: 100, contentType: 'image/png' });
  it('groups image summaries by tag, in the order listed, each tag\'s steps in order', () => {
    const grouped = byTag([image('summary/misclassified', 9), image('augment/samples', 0), image('summary/misclassified', 3)]);
    expect(grouped.map((t) => [t.tag, t.steps.map((s) => s.step)])).toEqual([['summary/misclassified', [3, 9]], ['augment/samples', [0]]]);
  });
  it('drops the Markdown bold of image labels', () => {
    expect(plainText('1. (row 1, column 1) image 7: true **Shirt**, predicted T-shirt/top')).toBe('1. (row 1, column 1) image 7: true Shirt, predicted T-shirt/top');
  });
  it('says which epoch the augmented-sample grid shows (step 0 is epoch 1)', () => {
    expect(augmentCaption('crop:4,flip:0.5', 0)).toBe("crop:4,flip:0.5 · epoch 1's draws of the first training images");
  });
});

describe('LineChart on a log x axis', () => {
  const points = [-1, 0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1].map((x, i) => ({ x, y: 2 - i * 0.1 }));

  it('spaces decades evenly, puts a marker at log10 of its value, and leaves out x ≤ 0', () => {
    render(LineChart, { title: 'lr', series: [{ id: 'a', label: 'loss', color: '#000', points }], logX: true, markers: [{ id: 'm', x: 1e-3, label: 'suggested', color: '#00f' }] });
    const ticks = screen.getAllByTestId('x-tick').map((t) => ({ label: t.textContent, x: Number(t.getAttribute('x')) }));
    expect(ticks.map((t) => t.label)).toEqual(['1e-6', '1e-5', '1e-4', '0.001', '0.01', '0.1', '1']);
    const step = ticks[1]!.x - ticks[0]!.x;
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.x - ticks[i - 1]!.x).toBeCloseTo(step, 6);
    // 1e-3 is the middle of six decades, 1e-6 to 1.
    const marker = document.querySelector('[data-marker=m] line')!;
    expect(Number(marker.getAttribute('x1'))).toBeCloseTo((ticks[0]!.x + ticks.at(-1)!.x) / 2, 6);
    expect(screen.getByTestId('line-chart').getAttribute('data-log-x')).toBe('true');
    // The points at -1 and 0 have no place on a log axis: 7 vertices of 9.
    expect(screen.getByTestId('series-path').getAttribute('d')!.match(/[ML]/g)).toHaveLength(7);
  });
});
