import * as tf from '@tensorflow/tfjs-core';

/** Adam (β = 0.9, 0.999) with an explicit epsilon and L2 weight decay added to the gradient, as the reference. */
export class AdamWithDecay {
  private readonly adam: tf.AdamOptimizer;
  private readonly weightDecay: number;

  constructor(
    private readonly variables: tf.Variable[],
    options: { learningRate: number; epsilon: number; weightDecay: number }
  ) {
    this.adam = tf.train.adam(options.learningRate, 0.9, 0.999, options.epsilon);
    this.weightDecay = options.weightDecay;
  }

  /**
   * Computes the gradient of `loss` w.r.t. the variables, adds decay · w, applies one Adam update.
   * Returns the loss value (the caller disposes it).
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      const decayed: { name: string; tensor: tf.Tensor }[] = [];
      for (const variable of this.variables) {
        const gradient = grads[variable.name];
        if (!gradient) continue;
        decayed.push({ name: variable.name, tensor: this.weightDecay > 0 ? tf.add(gradient, tf.mul(variable, this.weightDecay)) : gradient });
      }
      this.adam.applyGradients(decayed);
      return value;
    });
  }

  /** Frees Adam's moment estimates. */
  dispose(): void {
    this.adam.dispose();
  }
}
