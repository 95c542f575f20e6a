/** Shapes of GET /api/runs/:run/images (types only: the browser bundle imports them). */

export interface ImageSummary {
  tag: string;
  step: number;
  /** Seconds since the epoch. */
  wallTime: number;
  /** The size the summary declares, in pixels. */
  width: number;
  height: number;
  /** Images in the summary (TensorBoard's samples); GET …/images/:tag/:step?sample=<i> serves one. */
  samples: number;
  /** The encoded image's size in bytes (of sample 0). */
  bytes: number;
  contentType: string;
  /** The text summary `<tag>_labels` of the same step, where there is one (cnnlab's misclassified grid: each image's true and predicted class). */
  labels?: string;
}

export interface ImagesResponse {
  run: string;
  /** Image summaries in the run's event files, by tag, then step. */
  images: ImageSummary[];
  /** The augmentation of a cnnlab run (config.json's `augment`, e.g. "crop:4,flip:0.5"); null for none or another tool's run. */
  augment: string | null;
  warnings: string[];
}
