export { IMAGE_GRID_GAP, imageGrid, type ImageGrid } from './image-grid.js';
export { isHistogramEpoch, logGradientHistograms, logWeightHistograms } from './layer-histograms.js';
export { confusionImage, confusionTable } from './confusion-image.js';
export { misclassifiedGrid, type Misclassified } from './misclassified.js';
export {
  CONFUSION_EXAMPLES_FILE, CONFUSION_EXAMPLES_SPRITE, EXAMPLES_PER_CELL, EXAMPLES_PIXEL_BUDGET, ConfusionExampleCollector, cellStrip, decodeSprite,
  fitExamplesToBudget, readConfusionExamples, writeConfusionExamples, type ConfusionExampleCell, type ConfusionExamplesFile, type SpriteImage,
} from './confusion-examples.js';
