/** One benchmark row: a registered model at an input size and batch. */
export interface BenchCase {
  /** cnnlab registry name. */
  arch: string;
  /** Name of the same model in torch/models.py. */
  torch: string;
  input: [number, number, number];
  batch: number;
  options?: Record<string, unknown>;
  /** Also time tfjs's pure-JS cpu backend (small models only: it is ~200x slower). */
  cpu?: boolean;
}

/** The seed architectures at their d2l input size and a reduced one (d2l's batch sizes where they fit in a few seconds a step). */
export const CASES: BenchCase[] = [
  { arch: 'lenet', torch: 'lenet', input: [1, 28, 28], batch: 256, cpu: true },
  { arch: 'bn-lenet', torch: 'bn-lenet', input: [1, 28, 28], batch: 256, cpu: true },
  { arch: 'alexnet-d2l', torch: 'alexnet', input: [1, 224, 224], batch: 16 },
  { arch: 'alexnet-d2l', torch: 'alexnet', input: [1, 96, 96], batch: 32 },
  { arch: 'vgg11-d2l', torch: 'vgg11-d2l', input: [1, 224, 224], batch: 8 },
  { arch: 'vgg11-d2l', torch: 'vgg11-d2l', input: [1, 96, 96], batch: 32 },
  { arch: 'nin', torch: 'nin', input: [1, 224, 224], batch: 16 },
  { arch: 'googlenet-d2l', torch: 'googlenet', input: [1, 96, 96], batch: 32 },
  { arch: 'resnet18-d2l', torch: 'resnet18', input: [1, 28, 28], batch: 128 },
  { arch: 'resnet18-d2l', torch: 'resnet18', input: [1, 96, 96], batch: 64 },
  { arch: 'densenet-d2l', torch: 'densenet', input: [1, 96, 96], batch: 64 },
  { arch: 'regnetx32-d2l', torch: 'regnetx32', input: [1, 96, 96], batch: 64 },
];

/** A smoke-test subset that finishes in seconds. */
export const QUICK_CASES: BenchCase[] = [
  { arch: 'lenet', torch: 'lenet', input: [1, 28, 28], batch: 32 },
  { arch: 'resnet18-d2l', torch: 'resnet18', input: [1, 28, 28], batch: 8 },
];
