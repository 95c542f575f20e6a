import { tf } from '@cnnlab/core';
import { describe, expect, it } from 'vitest';
import { activationsPerImage, inferenceChunk } from '../src/evaluate.js';

const convNet = (size: number, filters: number) => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [size, size, 1], filters, kernelSize: 3, padding: 'same' }), tf.layers.flatten()] });

describe('evaluation chunks', () => {
  it('runs a small model\'s whole evaluation batch at once, and a large one in chunks of 32', () => {
    const small = convNet(28, 8);
    expect(activationsPerImage(small)).toBe(2 * 28 * 28 * 8); // the conv's output and the flattened copy
    expect(inferenceChunk(small, 256)).toBe(256);
    const large = convNet(1024, 16); // 2 × 16M floats an image: 128 MB
    expect(inferenceChunk(large, 256)).toBe(32);
    const middle = convNet(256, 16); // 2 × 1M floats: 8 MB an image, 119 fit in 1 GB
    expect(inferenceChunk(middle, 256)).toBe(119);
    tf.dispose([small, large, middle]);
  });
});
