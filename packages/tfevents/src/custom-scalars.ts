import { PluginName } from './plugins.js';
import { DataClass, type SummaryValue } from './proto/summary.js';
import { DataType } from './proto/tensor.js';
import { encodeWith, writeMessage, WireType, type BinaryWriter } from './proto/wire.js';

/** Tag of the layout record TensorBoard's custom-scalars plugin reads (it merges the layouts of all runs). */
export const CUSTOM_SCALARS_LAYOUT_TAG = 'custom_scalars__config__';

/** A multiline chart: every scalar tag matching one of `tags` (regular expressions) is drawn in it, overlaid. */
export interface MultilineChart {
  title?: string;
  tags: readonly string[];
}

/** One band of a margin chart: the scalar tag `value` drawn as a line between the tags `lower` and `upper` (exact tag names, not regexes). */
export interface MarginSeries {
  value: string;
  lower: string;
  upper: string;
}

/** A margin chart: each series a line with a shaded band, e.g. the mean of seed repeats within ± one standard deviation. */
export interface MarginChart {
  title?: string;
  margin: readonly MarginSeries[];
}

export type LayoutChart = MultilineChart | MarginChart;

export interface LayoutCategory {
  title: string;
  charts: readonly LayoutChart[];
  closed?: boolean;
}

/*
 * tensorboard.Layout, field numbers as in TensorBoard 2.20's plugins/custom_scalar/layout.proto:
 * Layout { version 1, category 2 }; Category { title 1, chart 2, closed 3 };
 * Chart { title 1, oneof content { MultilineChartContent multiline 2, MarginChartContent margin 3 } };
 * MultilineChartContent { repeated string tag 1 }; MarginChartContent { repeated Series series 1 },
 * Series { value 1, lower 2, upper 3 }.
 */
function writeChart(w: BinaryWriter, chart: LayoutChart): void {
  if (chart.title) w.tag(1, WireType.LengthDelimited).string(chart.title);
  if ('margin' in chart) {
    writeMessage(w, 3, chart.margin, (mw, series) => {
      for (const s of series) {
        writeMessage(mw, 1, s, (sw, x) => {
          sw.tag(1, WireType.LengthDelimited).string(x.value);
          sw.tag(2, WireType.LengthDelimited).string(x.lower);
          sw.tag(3, WireType.LengthDelimited).string(x.upper);
        });
      }
    });
  } else {
    writeMessage(w, 2, chart.tags, (mw, tags) => {
      for (const tag of tags) mw.tag(1, WireType.LengthDelimited).string(tag);
    });
  }
}

function writeLayout(w: BinaryWriter, categories: readonly LayoutCategory[]): void {
  for (const category of categories) {
    writeMessage(w, 2, category, (cw, c) => {
      if (c.title) cw.tag(1, WireType.LengthDelimited).string(c.title);
      for (const chart of c.charts) writeMessage(cw, 2, chart, writeChart);
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
