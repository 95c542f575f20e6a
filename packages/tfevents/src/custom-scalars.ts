import { PluginName } from './plugins.js';
import { DataClass, type SummaryValue } from './proto/summary.js';
import { DataType } from './proto/tensor.js';
import { encodeWith, writeMessage, WireType, type BinaryWriter } from './proto/wire.js';

/** Tag of the layout record TensorBoard's custom-scalars plugin reads (it merges the layouts of all runs). */
export const CUSTOM_SCALARS_LAYOUT_TAG = 'custom_scalars__config__';

/** One chart: every scalar tag matching one of `tags` (regular expressions) is drawn in it, overlaid. */
export interface LayoutChart {
  title?: string;
  tags: readonly string[];
}

export interface LayoutCategory {
  title: string;
  charts: readonly LayoutChart[];
  closed?: boolean;
}

/** tensorboard.Layout (plugins/custom_scalar/layout.proto): version 1, category 2; Category: title 1, chart 2, closed 3; Chart: title 1, tag 2. */
function writeLayout(w: BinaryWriter, categories: readonly LayoutCategory[]): void {
  for (const category of categories) {
    writeMessage(w, 2, category, (cw, c) => {
      if (c.title) cw.tag(1, WireType.LengthDelimited).string(c.title);
      for (const chart of c.charts) {
        writeMessage(cw, 2, chart, (chw, ch) => {
          if (ch.title) chw.tag(1, WireType.LengthDelimited).string(ch.title);
          for (const tag of ch.tags) chw.tag(2, WireType.LengthDelimited).string(tag);
        });
      }
      if (c.closed) cw.tag(3, WireType.Varint).bool(true);
    });
  }
}

export function encodeLayout(categories: readonly LayoutCategory[]): Uint8Array {
  return encodeWith(categories, writeLayout);
}

/** The layout record as TensorBoard's `custom_scalar.summary.pb` writes it: the serialized Layout in a rank-0 DT_STRING tensor. */
export function customScalarsValue(categories: readonly LayoutCategory[]): SummaryValue {
  return {
    tag: CUSTOM_SCALARS_LAYOUT_TAG,
    metadata: { pluginData: { pluginName: PluginName.CUSTOM_SCALARS }, dataClass: DataClass.DATA_CLASS_TENSOR },
    tensor: { dtype: DataType.DT_STRING, tensorShape: { dim: [] }, stringVal: [encodeLayout(categories)] },
  };
}
