/** Shape of GET /api/runs/:run/confusion (types only: the browser bundle imports it). */

export interface ConfusionResponse {
  run: string;
  /** 'report' when report.json holds a test evaluation with its confusion matrix; null otherwise (see `message`). */
  source: 'report' | null;
  /** Class names, in the order of the matrix's rows and columns. */
  classes: string[];
  /** matrix[true][predicted]: how many test images of class `true` were predicted as `predicted`. */
  matrix: number[][];
  accuracy: number | null;
  /** The epoch whose weights were evaluated. */
  epoch: number | null;
  evaluatedAt: string | null;
  /** Example images per cell, from the same evaluation. */
  examples: ConfusionExamplesAvailability;
  message?: string;
}

/** Whether a run's evaluation kept example images per cell (confusion-examples.json): `perCell` 0 with a `message` when not. */
export interface ConfusionExamplesAvailability {
  perCell: number;
  message?: string;
}

/** Shape of GET /api/runs/:run/confusion/examples?true=<i>&pred=<j>. */
export interface ConfusionExamplesResponse {
  run: string;
  /** The cell: row (true class) and column (predicted class) indices, and their names. */
  true: number;
  predicted: number;
  trueClass: string;
  predictedClass: string;
  /** The cell's count in the confusion matrix. */
  count: number;
  /** The first examples of the cell in test order: image indices in the data set, and positions in the test split. */
  indices: number[];
  testIndices: number[];
  /** One thumbnail's size in pixels (the data set's own), and the most examples kept per cell. */
  height: number;
  width: number;
  perCell: number;
  /** URL of a PNG of the thumbnails side by side, `indices.length` wide; null when there are none (see `message`). */
  image: string | null;
  message?: string;
}
