/** Plugin names and tags TensorBoard uses to recognise summaries. */
export const PluginName = {
  SCALARS: 'scalars',
  HISTOGRAMS: 'histograms',
  TEXT: 'text',
  IMAGES: 'images',
  HPARAMS: 'hparams',
  CUSTOM_SCALARS: 'custom_scalars',
} as const;

export const HParamsTag = {
  EXPERIMENT: '_hparams_/experiment',
  SESSION_START_INFO: '_hparams_/session_start_info',
  SESSION_END_INFO: '_hparams_/session_end_info',
} as const;

/** Version of HParamsPluginData that TensorBoard reads. */
export const HPARAMS_PLUGIN_DATA_VERSION = 0;
