import type { DecodedEvent } from './decoded-event.js';

export interface ScalarPoint {
  step: number;
  wallTime: number;
  value: number;
}

/** The scalar series of each tag, in the order the events come (both scalar encodings). */
export function scalarSeries(events: Iterable<DecodedEvent>): Map<string, ScalarPoint[]> {
  const series = new Map<string, ScalarPoint[]>();
  for (const event of events) {
    for (const value of event.summary?.values ?? []) {
      if (value.kind !== 'scalar') continue;
      let points = series.get(value.tag);
      if (!points) series.set(value.tag, (points = []));
      points.push({ step: event.step, wallTime: event.wallTime, value: value.value });
    }
  }
  return series;
}
