import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient kernels for the WASM backend, built from its fast forward ops.
 *
 * tfjs-backend-wasm 4.22 ships no Conv2DBackpropFilter and no depthwise backprop kernels, and its
 * Conv2DBackpropInput is ~10× slower than a forward conv. Each kernel below rewrites the gradient as
 * forward convolutions (XNNPACK) plus cheap reshapes. Inputs arrive as tensors from tfjs-core's
 * gradient functions; nested ops inside a kernel are not recorded on the gradient tape.
 */

type Pair = [number, number];
type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: number | Pair;
  pad: PadAttr;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | Pair;
}

const pair = (value: number | Pair | undefined): Pair =>
  value === undefined ? [1, 1] : typeof value === 'number' ? [value, value] : value;

/** The geometry tfjs derives for a conv (or, with `depthwise`, a depthwise conv) with these attributes. */
function convGeometry(inputShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise = false): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise
  );
}

/** Inserts (stride − 1) zeros between the rows and columns of an NHWC tensor. */
function insertZeros(x: tf.Tensor4D, strideH: number, strideW: number): tf.Tensor4D {
  if (strideH === 1 && strideW === 1) return x;
  const [batch, height, width, channels] = x.shape;
  const spread = tf.pad(tf.reshape(x, [batch, height, 1, width, 1, channels]), [
    [0, 0],
    [0, 0],
    [0, strideH - 1],
    [0, 0],
    [0, strideW - 1],
    [0, 0]
  ]);
  const flat = tf.reshape(spread, [batch, height * strideH, width * strideW, channels]);
  return tf.slice(flat, [0, 0, 0, 0], [batch, (height - 1) * strideH + 1, (width - 1) * strideW + 1, channels]) as tf.Tensor4D;
}

/** Geometry of a "full" correlation that turns an output gradient back into an input gradient. */
interface TransposedGeometry {
  /** Rows/columns to drop from the start of the zero-inserted gradient (when padding exceeded the kernel reach). */
  cropTop: number;
  cropLeft: number;
  pad: tf.backend_util.ExplicitPadding;
}

function transposedGeometry(info: tf.backend_util.Conv2DInfo, dilatedRows: number, dilatedCols: number): TransposedGeometry {
  const reachH = (info.filterHeight - 1) * info.dilationHeight;
  const reachW = (info.filterWidth - 1) * info.dilationWidth;
  const top = reachH - info.padInfo.top;
  const left = reachW - info.padInfo.left;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const rows = dilatedRows - cropTop;
  const cols = dilatedCols - cropLeft;
  const padTop = Math.max(0, top);
  const padLeft = Math.max(0, left);
  const bottom = Math.max(0, info.inHeight - rows - padTop + reachH);
  const right = Math.max(0, info.inWidth - cols - padLeft + reachW);
  return {
    cropTop,
    cropLeft,
    pad: [
      [0, 0],
      [padTop, bottom],
      [padLeft, right],
      [0, 0]
    ]
  };
}

/** Zero-inserts, crops and returns the output gradient ready for the transposed correlation. */
function prepareOutputGradient(dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): { dy: tf.Tensor4D; geometry: TransposedGeometry } {
  const dilated = insertZeros(dy, info.strideHeight, info.strideWidth);
  const geometry = transposedGeometry(info, dilated.shape[1], dilated.shape[2]);
  const cropped =
    geometry.cropTop > 0 || geometry.cropLeft > 0
      ? tf.slice(dilated, [0, geometry.cropTop, geometry.cropLeft, 0], [-1, -1, -1, -1])
      : dilated;
  return { dy: cropped, geometry };
}

/** Crops a correlation result to the input's spatial size. */
function cropToInput(result: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  if (result.shape[1] === info.inHeight && result.shape[2] === info.inWidth) return result;
  return tf.slice(result, [0, 0, 0, 0], [-1, info.inHeight, info.inWidth, -1]);
}

/** dL/dfilter of conv2d: a conv of the transposed input with the transposed output gradient (stride ↔ dilation); pointwise convs use a matMul. */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convGeometry(x.shape, filterShape, attrs);
    const { filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
    const { top, left, bottom: padBottom, right: padRight } = info.padInfo;
    if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && top + left + padBottom + padRight === 0) {
      // Pointwise: xᵀ·dy as one matMul, faster than the correlation. tfjs-wasm caches matMul operators by
      // the second operand's buffer, so dy must not be multiplied under another shape elsewhere (it is not).
      const pixels = x.size / x.shape[3];
      const inputT = tf.transpose(tf.reshape(x, [pixels, x.shape[3]]));
      return tf.reshape(tf.matMul(inputT, tf.reshape(dy, [pixels, dy.shape[3]])), filterShape as [number, number, number, number]);
    }
    const bottom = Math.max(0, (kh - 1) * info.dilationHeight + (outHeight - 1) * info.strideHeight + 1 - info.inHeight - info.padInfo.top);
    const right = Math.max(0, (kw - 1) * info.dilationWidth + (outWidth - 1) * info.strideWidth + 1 - info.inWidth - info.padInfo.left);
    const inputAsBatch = tf.transpose(x, [3, 1, 2, 0]);
    const gradientAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
    const correlation = tf.conv2d(
      inputAsBatch,
      gradientAsFilter,
      [info.dilationHeight, info.dilationWidth],
      [
        [0, 0],
        [info.padInfo.top, bottom],
        [info.padInfo.left, right],
        [0, 0]
      ],
      'NHWC',
      [info.strideHeight, info.strideWidth]
    );
    const cropped =
      correlation.shape[1] === kh && correlation.shape[2] === kw
        ? correlation
        : tf.slice(correlation, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/** dL/dx of conv2d: the zero-inserted output gradient correlated with the flipped, transposed filter. */
export function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convGeometry(inputShape, filter.shape, attrs);
    const prepared = prepareOutputGradient(dy, info);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const result = tf.conv2d(prepared.dy, flipped, 1, prepared.geometry.pad, 'NHWC', [info.dilationHeight, info.dilationWidth]);
    return cropToInput(result, info);
  });
}

/** dL/dx of a depthwise conv (any channel multiplier). */
export function depthwiseInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convGeometry(inputShape, filter.shape, attrs, true);
    const [kh, kw, channels, multiplier] = filter.shape;
    const [batch, outHeight, outWidth] = dy.shape;
    const flipped = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
    const dilations: Pair = [info.dilationHeight, info.dilationWidth];
    let total: tf.Tensor4D | null = null;
    for (let q = 0; q < multiplier; q++) {
      const dyQ =
        multiplier === 1
          ? dy
          : tf.reshape(
              tf.slice(tf.reshape(dy, [batch, outHeight, outWidth, channels, multiplier]), [0, 0, 0, 0, q], [-1, -1, -1, -1, 1]),
              [batch, outHeight, outWidth, channels]
            );
      const filterQ = multiplier === 1 ? flipped : tf.slice(flipped, [0, 0, 0, q], [kh, kw, channels, 1]);
      const prepared = prepareOutputGradient(dyQ as tf.Tensor4D, info);
      const part = cropToInput(tf.depthwiseConv2d(prepared.dy, filterQ, 1, prepared.geometry.pad, 'NHWC', dilations), info);
      total = total === null ? part : tf.add(total, part);
    }
    if (total === null) throw new Error('Depthwise filter with a zero channel multiplier');
    return total;
  });
}

/**
 * dL/dfilter of a depthwise conv. Multiplier 1: one depthwise conv over channels×batch with the output
 * gradient as a (large) filter, stride ↔ dilation swapped, then a sum over the batch. Other
 * multipliers: one strided window of the padded input per tap, times the gradient, summed.
 */
export function depthwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, channels, multiplier] = filterShape;
    const info = convGeometry(x.shape, filterShape, attrs, true);
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight, outWidth } = info;
    const bottom = Math.max(0, (outHeight - 1) * sh + (kh - 1) * dh + 1 - info.inHeight - info.padInfo.top);
    const right = Math.max(0, (outWidth - 1) * sw + (kw - 1) * dw + 1 - info.inWidth - info.padInfo.left);
    const batch = x.shape[0];
    if (multiplier === 1) {
      const [, height, width] = x.shape;
      const inputAsChannels = tf.reshape(tf.transpose(x, [1, 2, 3, 0]), [1, height, width, channels * batch]);
      const gradientAsFilter = tf.reshape(tf.transpose(dy, [1, 2, 3, 0]), [outHeight, outWidth, channels * batch, 1]);
      const correlation = tf.depthwiseConv2d(
        inputAsChannels as tf.Tensor4D,
        gradientAsFilter as tf.Tensor4D,
        [dh, dw],
        [
          [0, 0],
          [info.padInfo.top, bottom],
          [info.padInfo.left, right],
          [0, 0]
        ],
        'NHWC',
        [sh, sw]
      );
      const cropped = tf.slice(correlation, [0, 0, 0, 0], [1, kh, kw, -1]);
      return tf.reshape(tf.sum(tf.reshape(cropped, [kh, kw, channels, batch]), 3), [kh, kw, channels, 1]);
    }
    const padded = tf.pad(x, [
      [0, 0],
      [info.padInfo.top, bottom],
      [info.padInfo.left, right],
      [0, 0]
    ]);
    const gradient = tf.reshape(dy, [batch, outHeight, outWidth, channels, multiplier]);
    const taps: tf.Tensor[] = [];
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const window = tf.stridedSlice(
          padded,
          [0, ky * dh, kx * dw, 0],
          [batch, ky * dh + (outHeight - 1) * sh + 1, kx * dw + (outWidth - 1) * sw + 1, channels],
          [1, sh, sw, 1]
        );
        const product = tf.mul(tf.reshape(window, [batch, outHeight, outWidth, channels, 1]), gradient);
        taps.push(tf.sum(product, [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, channels, multiplier]);
  });
}

type KernelInputs = Record<string, tf.Tensor>;

const WASM_GRADIENT_KERNELS: { name: string; run: (inputs: KernelInputs, attrs: Record<string, unknown>) => tf.Tensor }[] = [
  {
    name: 'Conv2DBackpropFilter',
    run: (inputs, attrs) =>
      conv2dFilterGradient(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs.filterShape as number[], attrs as unknown as ConvAttrs)
  },
  {
    name: 'Conv2DBackpropInput',
    run: (inputs, attrs) =>
      conv2dInputGradient(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, attrs.inputShape as number[], attrs as unknown as ConvAttrs)
  },
  {
    name: 'DepthwiseConv2dNativeBackpropInput',
    run: (inputs, attrs) =>
      depthwiseInputGradient(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, attrs.inputShape as number[], attrs as unknown as ConvAttrs)
  },
  {
    name: 'DepthwiseConv2dNativeBackpropFilter',
    run: (inputs, attrs) =>
      depthwiseFilterGradient(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs.filterShape as number[], attrs as unknown as ConvAttrs)
  }
];

/**
 * Sum/Mean over leading axes (bias and BatchNorm gradients, moments) as one XNNPACK average pooling
 * over a [1, rows, cols, channels] view: ~10× faster than the shipped WASM reduction, which
 * transposes first. (A matMul with a row of ones is not: tfjs-wasm packs a new operator for every
 * fresh tensor.) Returns null (use the original kernel) for other reductions.
 */
function leadingAxesReduction(x: tf.Tensor, axis: number | number[], keepDims: boolean, mean: boolean): tf.Tensor | null {
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank < 2 || x.size === 0) return null;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= x.rank || axes.some((a, i) => a !== i)) return null;
  return tf.tidy(() => {
    const leading = x.shape.slice(0, axes.length);
    const rest = x.shape.slice(axes.length);
    const channels = rest.reduce((a, b) => a * b, 1);
    const cols = leading.length > 1 ? leading[leading.length - 1] : 1;
    const rows = leading.reduce((a, b) => a * b, 1) / cols;
    const pooled = tf.avgPool(tf.reshape(x, [1, rows, cols, channels]) as tf.Tensor4D, [rows, cols], 1, 'valid');
    const reduced = mean ? pooled : tf.mul(pooled, rows * cols);
    return tf.reshape(reduced, keepDims ? [...axes.map(() => 1), ...rest] : rest);
  });
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Replaces a shipped WASM kernel by `fast` where it applies (non-null result), delegating to the original otherwise. */
function overrideWasmKernel(name: string, fast: (args: KernelArgs) => tf.TensorInfo | tf.Tensor | null): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: (args) => (fast(args) as tf.TensorInfo | null) ?? original.kernelFunc(args) });
}

/**
 * Identity (and a Cast to the same dtype) copies the whole buffer on WASM; tfjs-core's gradient
 * functions emit hundreds per training step. Tensors are immutable, so sharing the data with a
 * reference count (what Reshape already does there) is equivalent.
 */
function shareData(args: KernelArgs, dtype: tf.DataType | undefined): tf.TensorInfo | null {
  const x = (args.inputs as Record<string, tf.TensorInfo>).x;
  const backend = args.backend as { incRef?: (dataId: object) => void };
  if (!x || x.dtype === 'string' || (dtype !== undefined && dtype !== x.dtype) || typeof backend.incRef !== 'function') return null;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

let registered = false;

/** Registers (once) the conv and depthwise gradient kernels for 'wasm', faster leading-axes Sum/Mean and copy-free Identity/Cast. */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  for (const kernel of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(kernel.name, 'wasm')) tf.unregisterKernel(kernel.name, 'wasm');
    tf.registerKernel({
      kernelName: kernel.name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => kernel.run(inputs as KernelInputs, attrs as Record<string, unknown>) as unknown as tf.TensorInfo
    });
  }
  const reduce = (mean: boolean) => (args: KernelArgs) =>
    leadingAxesReduction((args.inputs as KernelInputs).x, args.attrs?.axis as number[], Boolean(args.attrs?.keepDims), mean);
  overrideWasmKernel('Sum', reduce(false));
  overrideWasmKernel('Mean', reduce(true));
  overrideWasmKernel('Identity', (args) => shareData(args, undefined));
  overrideWasmKernel('Cast', (args) => shareData(args, args.attrs?.dtype as tf.DataType));
}
