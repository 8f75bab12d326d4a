import { parseNetworkConfig, type NetworkConfig } from './config';
import { buildGenerator, generatorTensorSpecs, type Generator } from './generator';
import { sizeOf } from './layers';

/**
 * The `.lbw` weights file:
 *   bytes 0–3   magic "LBW1"
 *   bytes 4–7   format version, uint32 little-endian (1)
 *   bytes 8–11  header length N in bytes, uint32 little-endian
 *   bytes 12…   header: UTF-8 JSON {version, config, tensors: [{name, shape, offset}], meta}
 *   then zero padding to a multiple of 4, then the float32 little-endian data; `offset` is in bytes
 *   from the start of the data section. BatchNorm running statistics are stored like any tensor.
 */
export const WEIGHTS_MAGIC = 'LBW1';
/** The only version this code writes and reads. */
export const WEIGHTS_VERSION = 1;
const PREAMBLE_BYTES = 12;
/** Refuse headers and files beyond these sizes before allocating anything. */
const MAX_HEADER_BYTES = 1 << 20;
const MAX_TENSOR_ELEMENTS = 1 << 26;

/** A weights file that cannot be loaded; the message says why. */
export class WeightsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsFormatError';
  }
}

/** The decoded contents of a weights file. */
export interface DecodedWeights {
  config: NetworkConfig;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  meta: Record<string, unknown>;
}

const align4 = (n: number) => (n + 3) & ~3;

/** Whether this machine stores floats little-endian (then the data section is copied, not converted). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes float32 values little-endian at a byte position. */
function writeFloats(bytes: Uint8Array, position: number, values: Float32Array): void {
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), position);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(position + i * 4, values[i], true);
}

/** Reads `count` little-endian float32 values at a byte position into a new array. */
function readFloats(bytes: Uint8Array, position: number, count: number): Float32Array {
  if (LITTLE_ENDIAN) {
    // Copy through a fresh array: `slice` on a Node Buffer is a view of a shared pool, not a copy.
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(bytes.subarray(position, position + count * 4));
    return values;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(position + i * 4, true));
}

/** Writes a weights file from tensor values already read back (in the configuration's tensor order). */
export function encodeWeightArrays(config: NetworkConfig, values: ReadonlyMap<string, Float32Array>, meta: Record<string, unknown> = {}): Uint8Array {
  const specs = generatorTensorSpecs(config);
  let offset = 0;
  const table = specs.map((spec) => {
    const entry = { name: spec.name, shape: spec.shape, offset };
    offset += sizeOf(spec.shape) * 4;
    return entry;
  });
  const header = new TextEncoder().encode(JSON.stringify({ version: WEIGHTS_VERSION, config, tensors: table, meta }));
  const dataStart = align4(PREAMBLE_BYTES + header.length);
  const bytes = new Uint8Array(dataStart + offset);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(WEIGHTS_MAGIC), 0);
  view.setUint32(4, WEIGHTS_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  for (const [i, spec] of specs.entries()) {
    const data = values.get(spec.name);
    if (!data || data.length !== sizeOf(spec.shape)) throw new Error(`No values of the right size for tensor ${spec.name}`);
    writeFloats(bytes, dataStart + table[i].offset, data);
  }
  return bytes;
}

/** Serialises a generator (blocking read-back: prefer `encodeWeightsAsync` on WebGPU). */
export function encodeWeights(generator: Generator, meta: Record<string, unknown> = {}): Uint8Array {
  const values = new Map<string, Float32Array>();
  for (const [name, variable] of generator.variables) values.set(name, variable.dataSync() as Float32Array);
  return encodeWeightArrays(generator.config, values, meta);
}

/** Serialises a generator, reading its tensors back asynchronously (safe on every backend). */
export async function encodeWeightsAsync(generator: Generator, meta: Record<string, unknown> = {}): Promise<Uint8Array> {
  const values = new Map<string, Float32Array>();
  for (const [name, variable] of generator.variables) values.set(name, (await variable.data()) as Float32Array);
  return encodeWeightArrays(generator.config, values, meta);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and fully validates a weights file; throws WeightsFormatError with the first problem found. */
export function decodeWeights(bytes: Uint8Array): DecodedWeights {
  if (!(bytes instanceof Uint8Array)) throw new WeightsFormatError('Weights must be given as bytes (Uint8Array)');
  if (bytes.length < PREAMBLE_BYTES) throw new WeightsFormatError(`Not a Livebrush weights file: only ${bytes.length} bytes`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== WEIGHTS_MAGIC) throw new WeightsFormatError(`Not a Livebrush weights file (magic "${magic}" instead of "${WEIGHTS_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== WEIGHTS_VERSION) {
    throw new WeightsFormatError(`Unsupported weights version ${version} (this app reads version ${WEIGHTS_VERSION})`);
  }
  const headerLength = view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES) throw new WeightsFormatError(`Weights header claims ${headerLength} bytes, more than the ${MAX_HEADER_BYTES} allowed`);
  if (PREAMBLE_BYTES + headerLength > bytes.length) {
    throw new WeightsFormatError(`Weights file is truncated: the header needs ${headerLength} bytes, ${bytes.length - PREAMBLE_BYTES} present`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch (error) {
    throw new WeightsFormatError(`Weights header is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(header)) throw new WeightsFormatError('Weights header is not a JSON object');
  if (header.version !== version) throw new WeightsFormatError(`Weights header version ${String(header.version)} disagrees with the file version ${version}`);
  let config: NetworkConfig;
  try {
    config = parseNetworkConfig(header.config);
  } catch (error) {
    throw new WeightsFormatError(`Weights file has an invalid network configuration: ${(error as Error).message}`);
  }
  const meta = header.meta === undefined ? {} : header.meta;
  if (!isRecord(meta)) throw new WeightsFormatError('Weights "meta" must be a JSON object');
  if (!Array.isArray(header.tensors)) throw new WeightsFormatError('Weights header has no tensor table');

  const dataStart = align4(PREAMBLE_BYTES + headerLength);
  const dataBytes = bytes.length - dataStart;
  const declared = new Map<string, { shape: unknown; offset: unknown }>();
  for (const entry of header.tensors as unknown[]) {
    if (!isRecord(entry) || typeof entry.name !== 'string') throw new WeightsFormatError('Weights tensor table has an entry without a name');
    if (declared.has(entry.name)) throw new WeightsFormatError(`Weights tensor ${entry.name} is listed twice`);
    declared.set(entry.name, { shape: entry.shape, offset: entry.offset });
  }
  const specs = generatorTensorSpecs(config);
  const expectedNames = new Set(specs.map((spec) => spec.name));
  for (const name of declared.keys()) {
    if (!expectedNames.has(name)) throw new WeightsFormatError(`Weights file has a tensor ${name} that network "${config.name}" does not use`);
  }
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  let expectedBytes = 0;
  for (const spec of specs) {
    const entry = declared.get(spec.name);
    if (!entry) throw new WeightsFormatError(`Weights file is missing tensor ${spec.name}`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i])) {
      throw new WeightsFormatError(`Tensor ${spec.name} has shape ${JSON.stringify(shape)}, expected [${spec.shape.join(', ')}]`);
    }
    const elements = sizeOf(spec.shape);
    if (elements > MAX_TENSOR_ELEMENTS) throw new WeightsFormatError(`Tensor ${spec.name} is too large (${elements} values)`);
    const offset = entry.offset;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset % 4 !== 0) {
      throw new WeightsFormatError(`Tensor ${spec.name} has an invalid data offset ${JSON.stringify(offset)}`);
    }
    if (offset + elements * 4 > dataBytes) {
      throw new WeightsFormatError(`Weights file is truncated: tensor ${spec.name} needs bytes ${offset}–${offset + elements * 4}, the data has ${dataBytes}`);
    }
    tensors.set(spec.name, { shape: [...spec.shape], data: readFloats(bytes, dataStart + offset, elements) });
    expectedBytes += elements * 4;
  }
  if (dataBytes !== expectedBytes) {
    throw new WeightsFormatError(`Weights data is ${dataBytes} bytes, expected ${expectedBytes}`);
  }
  return { config, tensors, meta };
}

/** Loads a generator from a weights file (validated completely before any tensor is created). */
export function generatorFromWeights(bytes: Uint8Array): Generator {
  const { config, tensors } = decodeWeights(bytes);
  return buildGenerator(
    config,
    (spec) => {
      const tensor = tensors.get(spec.name);
      if (!tensor) throw new WeightsFormatError(`Weights file is missing tensor ${spec.name}`);
      return tensor.data;
    },
    { trainedStatistics: true }
  );
}
