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

  /** How many variables this optimiser updates (the length of the gradient lists). */
  get variableCount(): number {
    return this.variables.length;
  }

  /** The gradient of `loss` w.r.t. each variable, in the variables' order (zeros for unused ones), and the loss value. */
  computeGradients(loss: () => tf.Scalar): { value: tf.Scalar; gradients: tf.Tensor[] } {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      const gradients = this.variables.map((variable) => grads[variable.name] ?? tf.zerosLike(variable));
      return { value, gradients };
    });
  }

  /** Adds decay · w to each gradient (in the variables' order) and applies one Adam update. */
  applyGradients(gradients: tf.Tensor[]): void {
    tf.tidy(() => {
      this.adam.applyGradients(
        this.variables.map((variable, i) => ({
          name: variable.name,
          tensor: this.weightDecay > 0 ? tf.add(gradients[i], tf.mul(variable, this.weightDecay)) : gradients[i]
        }))
      );
    });
  }

  /** Frees Adam's moment estimates. */
  dispose(): void {
    this.adam.dispose();
  }
}
