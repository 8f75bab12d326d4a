import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator } from '../../src/lib/ml/generator';
import { stylize } from '../../src/lib/ml/stylize';
import type { RgbaImage } from '../../src/lib/ml/types';
import { decodeWeights, encodeWeights, encodeWeightsAsync, generatorFromWeights, WeightsFormatError } from '../../src/lib/ml/weights';

const TINY: NetworkConfig = { ...NETWORKS.mobile, name: 'tiny', stemFilters: 4, downFilters: [8, 8], residualBlocks: 1, upFilters: [8, 4], headFilters: 4 };

const frame: RgbaImage = (() => {
  const data = new Uint8ClampedArray(30 * 22 * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 53) % 251;
  return { width: 30, height: 22, data };
})();

/** Splits a file into its header JSON and data section (the test's own reading of the documented layout). */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  return { header, data: bytes.subarray((12 + length + 3) & ~3) };
}

/** Builds a file from a header object and data bytes, like encodeWeights lays it out. */
function assemble(header: unknown, data: Uint8Array, options: { magic?: string; version?: number } = {}): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const start = (12 + json.length + 3) & ~3;
  const bytes = new Uint8Array(start + data.length);
  bytes.set(new TextEncoder().encode(options.magic ?? 'LBW1'), 0);
  new DataView(bytes.buffer).setUint32(4, options.version ?? 1, true);
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, 12);
  bytes.set(data, start);
  return bytes;
}

describe('.lbw weights', () => {
  let file: Uint8Array;

  beforeAll(async () => {
    await initBackend(['wasm']);
    const generator = createGenerator(TINY, 11);
    file = encodeWeights(generator, { steps: 3 });
    generator.dispose();
  });

  it('round-trips bit-exactly: the loaded network stylizes identically', async () => {
    const original = createGenerator(TINY, 11);
    const loaded = generatorFromWeights(file);
    expect(loaded.config).toEqual(TINY);
    expect((await stylize(loaded, frame)).data).toEqual((await stylize(original, frame)).data);
    for (const [name, variable] of original.variables) {
      expect(loaded.variables.get(name)?.dataSync()).toEqual(variable.dataSync());
    }
    expect(await encodeWeightsAsync(loaded, { steps: 3 })).toEqual(file);
    original.dispose();
    loaded.dispose();
  });

  it('reads a file that sits inside a larger buffer, as Node readFile returns it', () => {
    const pooled = Buffer.alloc(file.length + 64, 7);
    pooled.set(file, 32);
    const inPool = pooled.subarray(32, 32 + file.length);
    const decoded = decodeWeights(inPool);
    for (const [name, tensor] of decodeWeights(file).tensors) {
      expect(decoded.tensors.get(name)?.data).toEqual(tensor.data);
    }
  });

  it('round-trips the full reference network (13 MB) value for value', () => {
    const generator = createGenerator(NETWORKS.reference, 2);
    const bytes = encodeWeights(generator);
    expect(bytes.length).toBeGreaterThan(3_267_523 * 4);
    const decoded = decodeWeights(bytes);
    expect(decoded.config).toEqual(NETWORKS.reference);
    let mismatches = 0;
    for (const [name, variable] of generator.variables) {
      const stored = decoded.tensors.get(name)?.data ?? new Float32Array();
      const original = variable.dataSync();
      if (stored.length !== original.length) mismatches += 1;
      for (let i = 0; i < original.length; i++) if (!Object.is(stored[i], original[i])) mismatches += 1;
    }
    expect(mismatches).toBe(0);
    generator.dispose();
  });

  it('keeps meta and BatchNorm running statistics', () => {
    const decoded = decodeWeights(file);
    expect(decoded.meta).toEqual({ steps: 3 });
    expect(decoded.tensors.get('stem/bn/runningVar')?.data.every((v) => v === 1)).toBe(true);
    expect(decoded.tensors.has('stem/bn/runningMean')).toBe(true);
  });

  it('starts with magic, version and a 4-byte-aligned data section', () => {
    expect(new TextDecoder().decode(file.subarray(0, 4))).toBe('LBW1');
    const { header, data } = split(file);
    expect(header.version).toBe(1);
    expect(data.length % 4).toBe(0);
    expect((file.length - data.length) % 4).toBe(0);
  });

  const rejects = (bytes: Uint8Array, message: RegExp) => {
    expect(() => decodeWeights(bytes)).toThrow(WeightsFormatError);
    expect(() => generatorFromWeights(bytes)).toThrow(message);
  };

  it('rejects a truncated file', () => {
    rejects(file.subarray(0, file.length - 4), /truncated|expected/);
    rejects(file.subarray(0, 30), /truncated/);
    rejects(file.subarray(0, 5), /only 5 bytes/);
  });

  it('rejects bad magic and unknown versions', () => {
    const { header, data } = split(file);
    rejects(assemble(header, data, { magic: 'PNG!' }), /Not a Livebrush weights file/);
    rejects(assemble(header, data, { version: 2 }), /Unsupported weights version 2/);
  });

  it('rejects garbage JSON and a bad configuration', () => {
    const { header, data } = split(file);
    rejects(assemble('{"version":1,"config":', data), /not valid JSON/);
    rejects(assemble({ ...header, config: { ...TINY, residualBlocks: -1 } }, data), /invalid network configuration.*residualBlocks/);
  });

  it('rejects a wrong tensor shape, a missing tensor and an unknown one', () => {
    const { header, data } = split(file);
    const tensors = header.tensors as { name: string; shape: number[]; offset: number }[];
    const wrongShape = tensors.map((t) => (t.name === 'stem/kernel' ? { ...t, shape: [3, 3, 3, 5] } : t));
    rejects(assemble({ ...header, tensors: wrongShape }, data), /stem\/kernel has shape \[3,3,3,5\], expected \[3, 3, 3, 4\]/);
    rejects(assemble({ ...header, tensors: tensors.filter((t) => t.name !== 'out/bias') }, data), /missing tensor out\/bias/);
    rejects(assemble({ ...header, tensors: [...tensors, { name: 'extra', shape: [1], offset: 0 }] }, data), /tensor extra/);
  });

  it('rejects huge declared sizes and offsets without allocating them', () => {
    const { header, data } = split(file);
    const tensors = header.tensors as { name: string; shape: number[]; offset: number }[];
    const farOffset = tensors.map((t, i) => (i === 0 ? { ...t, offset: 2 ** 40 } : t));
    rejects(assemble({ ...header, tensors: farOffset }, data), /truncated/);
    const nanOffset = tensors.map((t, i) => (i === 0 ? { ...t, offset: 'NaN' } : t));
    rejects(assemble({ ...header, tensors: nanOffset }, data), /invalid data offset/);
    const hugeHeader = file.slice();
    new DataView(hugeHeader.buffer).setUint32(8, 0xffffffff, true);
    rejects(hugeHeader, /header claims/);
    const hugeNetwork = { ...header, config: { ...TINY, stemFilters: 1024, downFilters: [1024, 1024], upFilters: [1024, 1024], headFilters: 1024 } };
    rejects(assemble(hugeNetwork, data), /shape|missing|truncated|too large/);
  });

  it('rejects trailing bytes after the data', () => {
    const longer = new Uint8Array(file.length + 8);
    longer.set(file);
    rejects(longer, /Weights data is \d+ bytes, expected/);
  });
});
