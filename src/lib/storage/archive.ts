import { unzipSync, zipSync, type Zippable } from 'fflate';
import * as v from 'valibot';
import type { RgbaImage } from '$lib/ml/types';
import type { StyleSnapshot } from '$lib/studio/types';
import type { PngImage, PresetKeyframeRecord, PresetRecord, TrainingStats } from './db';
import { beforeAfterThumbnail, decodePngToRgba, encodeRgbaPng, MAX_IMAGE_SIDE, PngError } from './images';
import {
  addPresetRecord,
  buildPresetRecord,
  MAX_NAME_LENGTH,
  nextTimestamp,
  pngBlob,
  readPresetRecord,
  summarize,
  type PresetSummary
} from './presets';
import { checkStrokeDocument, readNetworkConfig } from './validators';
import { m } from '$lib/paraglide/messages';
import { formatNumber } from '$lib/i18n/locale';

/** The `format` every Livebrush style manifest declares. */
export const ARCHIVE_FORMAT = 'livebrush-style';

/** The manifest version this app writes and reads. */
export const ARCHIVE_VERSION = 1;

/** The extension of an exported style. */
export const ARCHIVE_EXTENSION = '.livebrush';

/** Limits checked before anything is decompressed or decoded. */
export const ARCHIVE_LIMITS = {
  /** The whole `.livebrush` file. */
  fileBytes: 64 * 1024 * 1024,
  /** Entries in the zip, declared or not. */
  entries: 64,
  keyframes: 8,
  /** All declared files, uncompressed. */
  totalBytes: 192 * 1024 * 1024,
  manifestBytes: 256 * 1024,
  strokesBytes: 8 * 1024 * 1024,
  weightsBytes: 32 * 1024 * 1024,
  imageBytes: 48 * 1024 * 1024,
  imageSide: MAX_IMAGE_SIDE
} as const;

/** How far a keyframe's frame at capture size may stray from the keyframe's shape (width / height), relatively. */
const FULL_ASPECT_TOLERANCE = 0.02;

/** A file the person tried to import is not a usable style; `message` says why, in plain words. */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(m.import_error({ reason }), options);
  }
}

/** A `.livebrush` file ready to share or download. */
export interface ExportedStyle {
  fileName: string;
  bytes: Uint8Array;
}

/** A style read from a `.livebrush` file, fully validated, not yet stored. */
export interface ImportedStyle {
  name: string;
  created: number;
  keyframes: PresetKeyframeRecord[];
  /** The first keyframe and its painting, decoded (for the thumbnail). */
  firstInput: RgbaImage;
  firstPainting: RgbaImage;
  network: unknown;
  weights: Uint8Array | null;
  stats: TrainingStats;
}

const MANIFEST_FILE = 'manifest.json';
const WEIGHTS_FILE = 'weights.lbw';

const fileEntrySchema = v.object({
  file: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][\w.-]{0,99}$/, 'must be a plain file name')),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
  sha256: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')))
});

const sideSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(ARCHIVE_LIMITS.imageSide, `must be at most ${ARCHIVE_LIMITS.imageSide} pixels`));

const imageEntrySchema = v.object({ ...fileEntrySchema.entries, width: sideSchema, height: sideSchema });

const dateSchema = v.pipe(v.string(), v.check((text) => !Number.isNaN(Date.parse(text)), 'must be a date'));

const manifestSchema = v.object({
  format: v.literal(ARCHIVE_FORMAT),
  version: v.literal(ARCHIVE_VERSION),
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_NAME_LENGTH)),
  created: dateSchema,
  exported: v.optional(dateSchema),
  keyframes: v.pipe(
    v.array(
      v.object({
        input: imageEntrySchema,
        /** The frame at capture size; absent in files exported before it was kept. */
        full: v.optional(v.nullable(imageEntrySchema)),
        painting: imageEntrySchema,
        mask: v.nullable(imageEntrySchema),
        strokes: fileEntrySchema
      })
    ),
    v.minLength(1, 'must hold at least one keyframe'),
    v.maxLength(ARCHIVE_LIMITS.keyframes, `must hold at most ${ARCHIVE_LIMITS.keyframes} keyframes`)
  ),
  network: v.nullable(v.record(v.string(), v.unknown())),
  weights: v.nullable(fileEntrySchema),
  stats: v.object({
    steps: v.pipe(v.number(), v.integer(), v.minValue(0)),
    trainingMs: v.pipe(v.number(), v.minValue(0)),
    lastLoss: v.nullable(v.pipe(v.number(), v.finite()))
  })
});

/** The `manifest.json` of a `.livebrush` file. */
export type ArchiveManifest = v.InferOutput<typeof manifestSchema>;
type FileEntry = v.InferOutput<typeof fileEntrySchema>;
type ImageEntry = v.InferOutput<typeof imageEntrySchema>;

/** Packs the saved style `id` into a `.livebrush` file (images and weights exactly as stored). */
export async function exportPreset(id: string): Promise<ExportedStyle> {
  return archiveRecord(await readPresetRecord(id));
}

/** Packs the studio's current style into a `.livebrush` file named `name`, without saving it. */
export async function exportStyle(snapshot: StyleSnapshot, name: string): Promise<ExportedStyle> {
  return archiveRecord(buildPresetRecord(snapshot, name));
}

async function archiveRecord(record: PresetRecord): Promise<ExportedStyle> {
  const files: Zippable = {};
  const addFile = async (file: string, bytes: Uint8Array, compress: boolean): Promise<FileEntry> => {
    files[file] = [bytes, { level: compress ? 6 : 0 }];
    return { file, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  };
  const addImage = async (file: string, image: PngImage): Promise<ImageEntry> => ({
    ...(await addFile(file, new Uint8Array(await image.png.arrayBuffer()), false)),
    width: image.width,
    height: image.height
  });
  const keyframes: ArchiveManifest['keyframes'] = [];
  for (const [index, keyframe] of record.keyframes.entries()) {
    const prefix = `keyframe-${index + 1}`;
    keyframes.push({
      input: await addImage(`${prefix}-input.png`, keyframe.input),
      full: keyframe.full ? await addImage(`${prefix}-full.png`, keyframe.full) : null,
      painting: await addImage(`${prefix}-painting.png`, keyframe.painting),
      mask: keyframe.mask ? await addImage(`${prefix}-mask.png`, keyframe.mask) : null,
      strokes: await addFile(`${prefix}-strokes.json`, new TextEncoder().encode(JSON.stringify(keyframe.strokes)), true)
    });
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    name: record.name,
    created: new Date(record.created).toISOString(),
    exported: new Date().toISOString(),
    keyframes,
    network: (record.network as Record<string, unknown> | null) ?? null,
    weights: record.weights ? await addFile(WEIGHTS_FILE, record.weights, true) : null,
    stats: record.stats
  };
  files[MANIFEST_FILE] = [new TextEncoder().encode(JSON.stringify(manifest, null, 2)), { level: 6 }];
  return { fileName: archiveFileName(record.name), bytes: zipSync(files) };
}

/** Validates a `.livebrush` file completely and, only if all of it is sound, saves it as a new style. */
export async function importArchive(bytes: Uint8Array): Promise<PresetSummary> {
  const style = await readArchive(bytes);
  const now = nextTimestamp();
  const record: PresetRecord = {
    id: crypto.randomUUID(),
    name: style.name,
    created: style.created,
    updated: now,
    thumbnail: pngBlob(encodeRgbaPng(beforeAfterThumbnail(style.firstInput, style.firstPainting))),
    keyframes: style.keyframes,
    network: style.network,
    weights: style.weights,
    stats: style.stats
  };
  await addPresetRecord(record);
  return summarize(record);
}

/** Reads and validates a `.livebrush` file without storing anything; throws ImportError for any fault. */
export async function readArchive(bytes: Uint8Array): Promise<ImportedStyle> {
  if (bytes.byteLength > ARCHIVE_LIMITS.fileBytes) {
    throw new ImportError(m.import_too_big({ size: megabytes(bytes.byteLength), limit: megabytes(ARCHIVE_LIMITS.fileBytes) }));
  }
  if (!looksLikeZip(bytes)) throw new ImportError(m.import_not_zip());

  const manifest = readManifest(unzipEntries(bytes, new Map([[MANIFEST_FILE, ARCHIVE_LIMITS.manifestBytes]]), false).get(MANIFEST_FILE));
  const declared = declaredFiles(manifest);
  const files = unzipEntries(bytes, declared, true);
  for (const [name, limit] of declared) {
    if (!files.has(name)) throw new ImportError(m.import_missing_file({ name }));
    if (files.get(name)!.byteLength > limit) throw new ImportError(m.import_file_oversized({ name }));
  }
  const entries = [...manifest.keyframes.flatMap((k) => [k.input, k.full, k.painting, k.mask, k.strokes]), manifest.weights];
  for (const entry of entries) if (entry) await checkFileEntry(entry, files.get(entry.file)!);

  let firstInput: RgbaImage | null = null;
  let firstPainting: RgbaImage | null = null;
  const keyframes: PresetKeyframeRecord[] = [];
  for (const [index, keyframe] of manifest.keyframes.entries()) {
    const input = checkImage(keyframe.input, files);
    const full = keyframe.full ? checkFullImage(keyframe.full, files, input.size) : null;
    const paintingPixels = checkImage(keyframe.painting, files, input.size);
    const mask = keyframe.mask ? checkImage(keyframe.mask, files, input.size) : null;
    firstInput ??= input.pixels;
    firstPainting ??= paintingPixels.pixels;
    keyframes.push({
      input: input.image,
      full,
      painting: paintingPixels.image,
      mask: mask?.image ?? null,
      strokes: checkStrokes(keyframe.strokes.file, files, index)
    });
  }

  const weights = manifest.weights ? files.get(manifest.weights.file)! : null;
  const network = weights ? checkWeights(weights, manifest.network) : null;
  if (!weights && manifest.network !== null) throw new ImportError(m.import_network_without_weights());
  return {
    name: manifest.name,
    created: Date.parse(manifest.created),
    keyframes,
    firstInput: firstInput!,
    firstPainting: firstPainting!,
    network,
    weights,
    stats: manifest.stats
  };
}

/** A file name for the style: its name made safe for file systems, with the `.livebrush` extension. */
export function archiveFileName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim().replace(/\s+/g, '-').slice(0, 60);
  return `${safe || 'style'}${ARCHIVE_EXTENSION}`;
}

function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 22 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/**
 * Unzips only `wanted` (name → largest allowed size), refusing too many entries or declared sizes
 * over the limits before anything is inflated.
 */
function unzipEntries(bytes: Uint8Array, wanted: Map<string, number>, enforceTotal: boolean): Map<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        if (++entries > ARCHIVE_LIMITS.entries) throw new ImportError(m.import_too_many_files({ count: ARCHIVE_LIMITS.entries }));
        const limit = wanted.get(file.name);
        if (limit === undefined) return false;
        if (file.originalSize > limit) throw new ImportError(m.import_entry_too_large({ name: file.name, size: megabytes(file.originalSize) }));
        total += file.originalSize;
        if (enforceTotal && total > ARCHIVE_LIMITS.totalBytes) {
          throw new ImportError(m.import_contents_too_large({ limit: megabytes(ARCHIVE_LIMITS.totalBytes) }));
        }
        return true;
      }
    });
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(m.import_damaged_zip(), { cause: error });
  }
  return new Map(Object.entries(files));
}

function readManifest(bytes: Uint8Array | undefined): ArchiveManifest {
  if (!bytes) throw new ImportError(m.import_no_manifest());
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ImportError(m.import_manifest_not_json(), { cause: error });
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== ARCHIVE_FORMAT) {
    throw new ImportError(m.import_foreign_manifest());
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && version > ARCHIVE_VERSION) {
    throw new ImportError(m.import_newer_version({ version }));
  }
  if (version !== ARCHIVE_VERSION) throw new ImportError(m.import_unknown_version({ version: String(version) }));
  const result = v.safeParse(manifestSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const where = v.getDotPath(issue) ?? 'manifest';
    throw new ImportError(m.import_invalid_manifest({ where, issue: issue.message }));
  }
  return result.output;
}

function declaredFiles(manifest: ArchiveManifest): Map<string, number> {
  const declared = new Map<string, number>();
  const declare = (entry: FileEntry | null | undefined, limit: number) => {
    if (!entry) return;
    if (declared.has(entry.file) || entry.file === MANIFEST_FILE) {
      throw new ImportError(m.import_file_twice({ name: entry.file }));
    }
    declared.set(entry.file, Math.min(limit, entry.bytes));
  };
  for (const keyframe of manifest.keyframes) {
    declare(keyframe.input, ARCHIVE_LIMITS.imageBytes);
    declare(keyframe.full, ARCHIVE_LIMITS.imageBytes);
    declare(keyframe.painting, ARCHIVE_LIMITS.imageBytes);
    declare(keyframe.mask, ARCHIVE_LIMITS.imageBytes);
    declare(keyframe.strokes, ARCHIVE_LIMITS.strokesBytes);
  }
  declare(manifest.weights, ARCHIVE_LIMITS.weightsBytes);
  return declared;
}

async function checkFileEntry(entry: FileEntry, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength !== entry.bytes) {
    throw new ImportError(m.import_wrong_length({ name: entry.file, actual: bytes.byteLength, expected: entry.bytes }));
  }
  if (entry.sha256 && (await sha256Hex(bytes)) !== entry.sha256) {
    throw new ImportError(m.import_bad_checksum({ name: entry.file }));
  }
}

function checkImage(
  entry: ImageEntry,
  files: Map<string, Uint8Array>,
  expected?: { width: number; height: number }
): { image: PngImage; pixels: RgbaImage; size: { width: number; height: number } } {
  const bytes = files.get(entry.file)!;
  let pixels: RgbaImage;
  try {
    pixels = decodePngToRgba(bytes, ARCHIVE_LIMITS.imageSide);
  } catch (error) {
    if (error instanceof PngError) throw new ImportError(m.import_bad_image({ name: entry.file, problem: error.message }), { cause: error });
    throw error;
  }
  const { width, height } = pixels;
  if (width !== entry.width || height !== entry.height) {
    throw new ImportError(m.import_image_size_mismatch({ name: entry.file, width, height, expectedWidth: entry.width, expectedHeight: entry.height }));
  }
  if (expected && (width !== expected.width || height !== expected.height)) {
    throw new ImportError(m.import_image_keyframe_mismatch({ name: entry.file, width, height, expectedWidth: expected.width, expectedHeight: expected.height }));
  }
  return { image: { width, height, png: pngBlob(bytes) }, pixels, size: { width, height } };
}

/**
 * A keyframe's frame at capture size: a sound PNG, at least as large as the keyframe (`input`) on its
 * long side, and of the keyframe's shape within FULL_ASPECT_TOLERANCE (both were rounded to whole pixels).
 */
function checkFullImage(entry: ImageEntry, files: Map<string, Uint8Array>, input: { width: number; height: number }): PngImage {
  const { image } = checkImage(entry, files);
  const { width, height } = image;
  const inputAspect = input.width / input.height;
  const aspectError = Math.abs(width / height - inputAspect) / inputAspect;
  if (Math.max(width, height) < Math.max(input.width, input.height) || aspectError > FULL_ASPECT_TOLERANCE) {
    throw new ImportError(m.import_image_keyframe_mismatch({ name: entry.file, width, height, expectedWidth: input.width, expectedHeight: input.height }));
  }
  return image;
}

function checkStrokes(file: string, files: Map<string, Uint8Array>, index: number): unknown {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(files.get(file)!));
  } catch (error) {
    throw new ImportError(m.import_strokes_not_json({ number: index + 1 }), { cause: error });
  }
  if (json === null) return null;
  try {
    return checkStrokeDocument(json);
  } catch (error) {
    throw new ImportError(m.import_strokes_invalid({ number: index + 1, reason: (error as Error).message }), { cause: error });
  }
}

function checkWeights(weights: Uint8Array, declaredNetwork: unknown): unknown {
  let network: unknown;
  try {
    network = readNetworkConfig(weights);
  } catch (error) {
    throw new ImportError(m.import_weights_invalid({ reason: (error as Error).message }), { cause: error });
  }
  if (canonicalJson(network) !== canonicalJson(declaredNetwork)) {
    throw new ImportError(m.import_network_mismatch());
  }
  return network;
}

/** JSON with object keys sorted, so two equal configurations compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item
  );
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function megabytes(bytes: number): string {
  return m.size_mb({ value: formatNumber(bytes / (1024 * 1024), bytes < 10 * 1024 * 1024 ? 1 : 0) });
}
