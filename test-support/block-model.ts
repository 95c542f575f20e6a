import { imageInput, tf, withBuildContext, type Node } from '@cnnlab/core';

/** A model made of one block on an input of `channels x height x width`, to test a block on its own. */
export function blockModel(input: [number, number, number], block: (x: Node) => Node): tf.LayersModel {
  return withBuildContext(0, () => {
    const x = imageInput(input);
    return tf.model({ inputs: x, outputs: block(x) });
  });
}
