/** Codes of `Dataset.parts`: which of the data set's own splits an image belongs to. */
export const PART = Object.freeze({ train: 0, val: 1, test: 2, none: 255 });
