import { imageInput, tf, withBuildContext, type Node } from '@cnnlab/core';

/** Builds a model from core's blocks with block-structured layer names, as createModel does. */
export function build(input: readonly [number, number, number], body: (x: Node) => Node | Node[], name = 'test'): tf.LayersModel {
  return withBuildContext(0, () => {
    const x = imageInput(input);
    return tf.model({ inputs: x, outputs: body(x), name });
  });
}

/** Kernel size, input channels and groups of a conv layer, read from the layer itself. */
export function convNumbers(model: tf.LayersModel, name: string) {
  const layer = model.getLayer(name);
  const config = layer.getConfig() as { kernelSize: number | number[]; groups?: number; filters: number };
  const k = Array.isArray(config.kernelSize) ? config.kernelSize[0]! : config.kernelSize;
  const single = (shape: tf.Shape | tf.Shape[]) => (Array.isArray(shape[0]) ? shape[0] : shape) as number[];
  const inShape = single(layer.inboundNodes[0]!.inputShapes);
  const outShape = single(layer.inboundNodes[0]!.outputShapes);
  return { k, cin: inShape[3]!, cout: outShape[3]!, h: outShape[1]!, w: outShape[2]!, groups: config.groups ?? 1 };
}
