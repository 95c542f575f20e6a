export { IMAGE_GRID_GAP, imageGrid, type ImageGrid } from './image-grid.js';
export { isHistogramEpoch, logGradientHistograms, logWeightHistograms } from './layer-histograms.js';
export { confusionImage, confusionTable } from './confusion-image.js';
export { misclassifiedGrid, type Misclassified } from './misclassified.js';
export { ConfusionExampleCollector, fitExamplesToBudget, writeConfusionExamples } from './confusion-examples.js';
export {
  CONFUSION_EXAMPLES_FILE, CONFUSION_EXAMPLES_SPRITE, EXAMPLES_PER_CELL, EXAMPLES_PIXEL_BUDGET, cellStrip, decodeSprite, readConfusionExamples,
  type ConfusionExampleCell, type ConfusionExamplesFile, type SpriteImage,
} from './confusion-examples-file.js';
