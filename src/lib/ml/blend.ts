import * as tf from '@tensorflow/tfjs-core';
import { thresholdMask } from './sampler';
import type { KeyframeExample, RgbaImage } from './types';

// Until the network has learnt anything its output is noise, and the preview would show noise over
// the whole camera picture in the first seconds of training. The live output is therefore
// w·network + (1 − w)·frame, where w ∈ [0, 1] is the least-squares best on the keyframe (the painting
// as the target, the network's own output on the keyframe and the keyframe as the two sources), and
// the stroke layer carries what that mix still misses. An untrained network gets w ≈ 0 (the camera
// picture and the painted strokes); once the network beats the unchanged keyframe w reaches 1 and
// the output is the network's, as without the mix. Measurements: docs/network.md, "The early mix".

/**
 * The w ∈ [0, 1] minimising Σ (w·network + (1 − w)·input − painting)² over the keyframe's RGB
 * (only where its mask selects, when it has one); 1 when the network returns the keyframe unchanged.
 */
export function identityMixWeight(keyframe: KeyframeExample, network: RgbaImage): number {
  const { input, styled, mask } = keyframe;
  const selected = mask ? thresholdMask(mask) : null;
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < input.data.length; i += 4) {
    if (selected && !selected[i >> 2]) continue;
    for (let c = 0; c < 3; c++) {
      const change = network.data[i + c] - input.data[i + c];
      dot += change * (styled.data[i + c] - input.data[i + c]);
      norm += change * change;
    }
  }
  return norm === 0 ? 1 : Math.min(1, Math.max(0, dot / norm));
}

/** `identityMixWeight` on the backend (HxWx3 tensors, 0–255; mask HxW, 1 where selected, or null): a scalar, never read back. */
export function identityMixWeightTensor(input: tf.Tensor3D, painting: tf.Tensor3D, mask: tf.Tensor2D | null, network: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const source = tf.cast(input, 'float32');
    let change: tf.Tensor = tf.sub(tf.cast(network, 'float32'), source);
    if (mask) change = tf.mul(change, tf.expandDims(tf.cast(mask, 'float32'), 2));
    const dot = tf.sum(tf.mul(change, tf.sub(tf.cast(painting, 'float32'), source)));
    const norm = tf.sum(tf.square(change));
    return tf.where(tf.greater(norm, 0), tf.clipByValue(tf.div(dot, tf.maximum(norm, 1e-6)), 0, 1), tf.scalar(1)) as tf.Scalar;
  });
}

/** weight·network + (1 − weight)·frame (RGBA images of one size; alpha opaque); `network` itself when weight is 1. */
export function mixWithFrame(network: RgbaImage, frame: RgbaImage, weight: number): RgbaImage {
  if (weight >= 1) return network;
  const data = new Uint8ClampedArray(network.data.length);
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) data[i + c] = Math.round(weight * network.data[i + c] + (1 - weight) * frame.data[i + c]);
    data[i + 3] = 255;
  }
  return { width: network.width, height: network.height, data };
}

/** `mixWithFrame` on the backend (HxWx3, 0–255, weight a scalar tensor): int32 0–255; the caller disposes it. */
export function mixWithFrameTensor(network: tf.Tensor3D, frame: tf.Tensor3D, weight: tf.Scalar): tf.Tensor3D {
  return tf.tidy(() => {
    const source = tf.cast(frame, 'float32');
    const mixed = tf.add(source, tf.mul(weight, tf.sub(tf.cast(network, 'float32'), source)));
    return tf.cast(tf.clipByValue(tf.round(mixed), 0, 255), 'int32') as tf.Tensor3D;
  });
}
