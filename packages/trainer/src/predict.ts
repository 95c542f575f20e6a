import { resolve } from 'node:path';
import { initEngine, loadModel, tf, type BackendChoice } from '@cnnlab/core';
import { loadNormalization, readImageForModel } from './data/index.js';
import { readConfig, readReport, runPaths } from './run-dir.js';

export interface Prediction {
  file: string;
  label: number;
  className: string;
  probability: number;
  top: { label: number; className: string; probability: number }[];
}

/** Classifies image files (JPEG, PNG, WebP, GIF) with a run's best weights and its training normalisation. */
export async function predictImages(runDirArg: string, files: string[], options: { backend?: BackendChoice; top?: number } = {}): Promise<Prediction[]> {
  if (files.length === 0) throw new Error('No image files given');
  const runDir = resolve(runDirArg);
  const paths = runPaths(runDir);
  const config = readConfig(runDir);
  const report = readReport(runDir);
  const classes = report.dataset.classes ?? report.test?.classes ?? defaultClasses(config.dataset.name);
  await initEngine({ backend: options.backend });
  const model = await loadModel(paths.bestModel).catch((error: Error) => {
    throw new Error(`${runDir} has no exported best model (${error.message}); finish training first`);
  });
  const normalization = loadNormalization(paths.normalization);
  const folderSide = config.dataset.name === 'folder' ? config.dataset.resize ?? Math.max(config.input[1], config.input[2]) : undefined;
  const predictions: Prediction[] = [];
  for (const file of files) {
    const x = await readImageForModel(file, { inputShape: config.input, normalization, ...(folderSide && { folderSide }) });
    const probs = tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor2D).dataSync() as Float32Array);
    x.dispose();
    const ranked = Array.from(probs, (p, label) => ({ label, className: classes[label] ?? String(label), probability: p })).sort((a, b) => b.probability - a.probability);
    predictions.push({ file, ...ranked[0]!, top: ranked.slice(0, options.top ?? 3) });
  }
  model.dispose();
  return predictions;
}

function defaultClasses(dataset: string): string[] {
  if (dataset === 'fashion-mnist') return ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  if (dataset === 'cifar10') return ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  return Array.from({ length: 10 }, (_, i) => String(i));
}
