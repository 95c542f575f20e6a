/**
 * tfjs-core 4.22's own kernel tests (shipped in its npm package as dist/**\/*_test.js) for the kernels the
 * torch backend implements natively: convolutions, pooling, matrix products, batch norm, reductions,
 * activations and the gradient machinery. Paths are relative to @tensorflow/tfjs-core/dist.
 */
export const TFJS_SPEC_FILES: readonly string[] = [
  'ops/conv2d_test.js',
  'ops/conv2d_transpose_test.js',
  'ops/depthwise_conv2d_test.js',
  'ops/fused/fused_conv2d_test.js',
  'ops/fused/fused_depthwise_conv2d_test.js',
  'ops/fused/fused_mat_mul_test.js',
  'ops/max_pool_test.js',
  'ops/avg_pool_test.js',
  'ops/pool_test.js',
  'ops/mat_mul_test.js',
  'ops/batchnorm_test.js',
  'ops/moments_test.js',
  'ops/mean_test.js',
  'ops/sum_test.js',
  'ops/softmax_test.js',
  'ops/relu_test.js',
  'gradients_test.js',
];
