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

/**
 * The specs jasmine registers from those files: their 497 literal it() calls (tfjs-core's own .ts sources at tag
 * tfjs-v4.22.0 have the same 497) plus 10 from identityPoolTest, which max_pool_test and avg_pool_test call (5 each).
 * Every suite is describeWithFlags(…, ALL_ENVS), so registering the test env as tfjs-backend-cpu's setup_test does
 * runs them all; none is xit/fit or registered conditionally. Issue 24's 520 came from a set of 17 files it did not name.
 */
export const TFJS_SPEC_COUNT = 507;
