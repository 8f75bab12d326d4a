import 'fake-indexeddb/auto';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS, exportPreset, exportStyle, ImportError, importArchive, type ArchiveManifest } from '$lib/storage/archive';
import { closeLivebrushDb, livebrushDb } from '$lib/storage/db';
import { encodeRgbaPng } from '$lib/storage/images';
import { listPresets, loadPreset, savePreset } from '$lib/storage/presets';
import type { StyleSnapshot } from '$lib/studio/types';
import { freshIndexedDb, patternImage, styleSnapshot, TINY_NETWORK, tinyWeights, withFirstTensorShape } from '../fixtures/storage/fixtures';

beforeEach(freshIndexedDb);
afterEach(closeLivebrushDb);

/** `snapshot` with each keyframe's frame at capture size: `scale` times its keyframe, its own pattern. */
function withFullFrames(snapshot: StyleSnapshot, scale = 5): StyleSnapshot {
  const keyframes = snapshot.keyframes.map((keyframe, index) => ({
    ...keyframe,
    full: patternImage(keyframe.input.width * scale, keyframe.input.height * scale, 41 + index)
  }));
  return { ...snapshot, keyframes };
}

/** `snapshot` as a style without frames at capture size loads: every keyframe's `full` null. */
function withoutFullFrames(snapshot: StyleSnapshot): StyleSnapshot {
  return { ...snapshot, keyframes: snapshot.keyframes.map((keyframe) => ({ ...keyframe, full: null })) };
}

/** The stored presets, compared before and after a refused import. */
async function storedPresets() {
  return (await livebrushDb()).getAll('presets');
}

/** A valid export of a two-keyframe trained style with frames at capture size (120×80), made once. */
let validArchive: Uint8Array;
beforeAll(async () => {
  await freshIndexedDb();
  const saved = await savePreset(withFullFrames(styleSnapshot(tinyWeights(), 2)), 'Valid style');
  validArchive = (await exportPreset(saved.id)).bytes;
  await closeLivebrushDb();
});

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Unzips the valid archive, lets `change` edit its files and manifest, and zips it again. */
async function tamper(
  change: (files: Record<string, Uint8Array>, manifest: ArchiveManifest) => void | Promise<void>
): Promise<Uint8Array> {
  const files = unzipSync(validArchive);
  const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as ArchiveManifest;
  await change(files, manifest);
  files['manifest.json'] = strToU8(JSON.stringify(manifest));
  return zipSync(files);
}

/** Replaces a file and updates its declared size and checksum, so only its content is wrong. */
async function replaceFile(files: Record<string, Uint8Array>, manifest: ArchiveManifest, name: string, bytes: Uint8Array) {
  files[name] = bytes;
  const entries = [...manifest.keyframes.flatMap((k) => [k.input, k.full, k.painting, k.mask, k.strokes]), manifest.weights];
  const entry = entries.find((candidate) => candidate?.file === name)!;
  entry.bytes = bytes.byteLength;
  entry.sha256 = await sha256(bytes);
}

/** A PNG header (signature + IHDR) claiming a size, with no pixel data after it. */
function pngHeaderClaiming(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

/** Imports `bytes`, expects an ImportError whose message matches `reason`, and an unchanged store. */
async function expectRefused(bytes: Uint8Array, reason: RegExp): Promise<void> {
  const before = await storedPresets();
  const error = await importArchive(bytes).then(
    () => null,
    (caught: unknown) => caught
  );
  expect(error).toBeInstanceOf(ImportError);
  expect((error as Error).message).toMatch(/^This file can't be imported: /);
  expect((error as Error).message).toMatch(reason);
  expect(await storedPresets()).toEqual(before);
}

describe('.livebrush export and import', () => {
  it('round-trips a style: same keyframes, full-size frames, strokes and stats, byte-equal weights', async () => {
    const snapshot = withFullFrames(styleSnapshot(tinyWeights(2), 2, 40, 30), 4);
    const saved = await savePreset(snapshot, 'Water colour');
    const exported = await exportPreset(saved.id);
    expect(exported.fileName).toBe('Water-colour.livebrush');

    await freshIndexedDb();
    const imported = await importArchive(exported.bytes);
    expect(imported.name).toBe('Water colour');
    expect(imported.created).toBe(saved.created);
    expect(imported.steps).toBe(120);
    const loaded = await loadPreset(imported.id);
    expect(loaded).toEqual(snapshot);
    expect(Buffer.from(loaded.weights!).equals(Buffer.from(snapshot.weights!))).toBe(true);
    expect((await listPresets()).map((p) => p.id)).toEqual([imported.id]);
  });

  it('round-trips an untrained style (no weights)', async () => {
    const snapshot = styleSnapshot(null, 1);
    const saved = await savePreset(snapshot, 'Sketch');
    const imported = await importArchive((await exportPreset(saved.id)).bytes);
    expect(imported.id).not.toBe(saved.id);
    expect(await loadPreset(imported.id)).toEqual(withoutFullFrames(snapshot));
  });

  it("exports the studio's current style without saving it first", async () => {
    const snapshot = styleSnapshot(tinyWeights(), 1);
    const exported = await exportStyle(snapshot, 'Unsaved: draft #2');
    expect(exported.fileName).toBe('Unsaved-draft-2.livebrush');
    expect(await listPresets()).toEqual([]);
    const imported = await importArchive(exported.bytes);
    expect(imported.name).toBe('Unsaved: draft #2');
    expect(await loadPreset(imported.id)).toEqual(withoutFullFrames(snapshot));
  });

  it('declares every file with its size and checksum in manifest.json', async () => {
    const files = unzipSync(validArchive);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as ArchiveManifest;
    expect(manifest.format).toBe('livebrush-style');
    expect(manifest.version).toBe(1);
    expect(manifest.keyframes).toHaveLength(2);
    expect(manifest.weights?.file).toBe('weights.lbw');
    expect(manifest.keyframes.map((k) => k.full)).toEqual([
      expect.objectContaining({ file: 'keyframe-1-full.png', width: 120, height: 80 }),
      expect.objectContaining({ file: 'keyframe-2-full.png', width: 120, height: 80 })
    ]);
    for (const entry of [...manifest.keyframes.flatMap((k) => [k.input, k.full, k.painting, k.mask, k.strokes]), manifest.weights]) {
      if (!entry) continue;
      expect(files[entry.file].byteLength).toBe(entry.bytes);
      expect(await sha256(files[entry.file])).toBe(entry.sha256);
    }
  });

  it('imports a file exported before full-size frames were kept, with no full-size frames', async () => {
    const older = await tamper((files, manifest) => {
      for (const [index, keyframe] of manifest.keyframes.entries()) {
        delete files[`keyframe-${index + 1}-full.png`];
        delete keyframe.full;
      }
    });
    const imported = await importArchive(older);
    const loaded = await loadPreset(imported.id);
    expect(loaded.keyframes.map((keyframe) => keyframe.full)).toEqual([null, null]);
    expect(loaded).toEqual(withoutFullFrames(styleSnapshot(tinyWeights(), 2)));
  });

  it('accepts a full-size frame whose shape differs from its keyframe only by rounding', async () => {
    const rounded = patternImage(121, 80, 5);
    const imported = await importArchive(
      await tamper(async (files, m) => {
        await replaceFile(files, m, 'keyframe-1-full.png', encodeRgbaPng(rounded));
        Object.assign(m.keyframes[0].full!, { width: 121, height: 80 });
      })
    );
    expect((await loadPreset(imported.id)).keyframes[0].full).toEqual(rounded);
  });
});

describe('broken .livebrush files are refused with a clear message and change nothing', () => {
  beforeEach(async () => {
    await savePreset(styleSnapshot(null, 1), 'Already here');
  });

  it('refuses the file truncated at any point', async () => {
    const cuts = new Set<number>([0, 1, 4, 21, 22, validArchive.length - 1, validArchive.length - 22]);
    for (let cut = 30; cut < validArchive.length; cut += Math.ceil(validArchive.length / 40)) cuts.add(cut);
    for (const cut of cuts) {
      await expectRefused(validArchive.subarray(0, cut), /not a Livebrush style|damaged or incomplete/);
    }
  });

  it('refuses random bytes, with or without a zip signature', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    for (const length of [0, 3, 100, 5000]) {
      const noise = Uint8Array.from({ length }, random);
      await expectRefused(noise, /not a Livebrush style/);
      if (length >= 22) {
        noise.set([0x50, 0x4b, 3, 4]);
        await expectRefused(noise, /damaged or incomplete|no manifest/);
      }
    }
  });

  it('refuses other files: a PNG, a foreign zip, a manifest of another format', async () => {
    await expectRefused(encodeRgbaPng(patternImage(4, 4, 1)), /not a Livebrush style \(not a \.livebrush zip/);
    await expectRefused(zipSync({ 'readme.txt': strToU8('hello') }), /has no manifest\.json/);
    await expectRefused(zipSync({ 'manifest.json': strToU8('{"format":"photo-album","version":1}') }), /manifest is for something else/);
    await expectRefused(zipSync({ 'manifest.json': strToU8('{not json') }), /manifest\.json is damaged/);
  });

  it('refuses newer and unknown format versions', async () => {
    await expectRefused(await tamper((_, m) => void (m.version = 2 as 1)), /newer Livebrush \(style format version 2\)/);
    await expectRefused(await tamper((_, m) => void (m.version = 0 as 1)), /version \(0\) is not one this app reads/);
  });

  it('refuses manifests with wrong fields, naming the field', async () => {
    const cases: [(m: ArchiveManifest) => void, RegExp][] = [
      [(m) => (m.name = ''), /name/],
      [(m) => (m.keyframes = []), /keyframes: must hold at least one keyframe/],
      [(m) => ((m.keyframes[0].input as { width: unknown }).width = '24'), /keyframes\.0\.input\.width/],
      [(m) => (m.stats.steps = -1), /stats\.steps/],
      [(m) => (m.keyframes[0].painting.file = '../evil.png'), /keyframes\.0\.painting\.file: must be a plain file name/],
      [(m) => (m.created = 'yesterday'), /created: must be a date/],
      [(m) => (m.keyframes[1].painting.file = m.keyframes[0].painting.file), /names the file .* twice/]
    ];
    for (const [change, reason] of cases) await expectRefused(await tamper((_, m) => change(m)), reason);
  });

  it('refuses a style with a declared file missing', async () => {
    await expectRefused(await tamper((files) => void delete files['keyframe-2-painting.png']), /"keyframe-2-painting\.png" is missing/);
    await expectRefused(await tamper((files) => void delete files['weights.lbw']), /"weights\.lbw" is missing/);
  });

  it('refuses damaged contents: wrong sizes and checksums', async () => {
    await expectRefused(
      await tamper((files) => void (files['weights.lbw'] = files['weights.lbw'].map((b, i) => (i === 3 ? b ^ 1 : b)))),
      /"weights\.lbw" is damaged \(its checksum/
    );
    await expectRefused(
      await tamper((files) => void (files['keyframe-1-strokes.json'] = strToU8(' '.repeat(9000)))),
      /"keyframe-1-strokes\.json" is larger than it should be|too large/
    );
    await expectRefused(
      await tamper((files, m) => void (m.keyframes[0].input.bytes += 1)),
      /"keyframe-1-input\.png" has \d+ bytes instead of/
    );
  });

  it('refuses "PNG"s that are not images, and images of the wrong size', async () => {
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'keyframe-1-input.png', strToU8('<html>not a picture</html>'))),
      /"keyframe-1-input\.png" is not a PNG image/
    );
    const damaged = encodeRgbaPng(patternImage(24, 16, 1));
    damaged[damaged.length - 20] ^= 0xff;
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'keyframe-1-painting.png', damaged)),
      /"keyframe-1-painting\.png" is a damaged PNG image/
    );
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'keyframe-1-mask.png', encodeRgbaPng(patternImage(10, 10, 3)))),
      /"keyframe-1-mask\.png" is 10×10, not the 24×16 its manifest says/
    );
    await expectRefused(
      await tamper(async (files, m) => {
        await replaceFile(files, m, 'keyframe-1-mask.png', encodeRgbaPng(patternImage(10, 10, 3)));
        Object.assign(m.keyframes[0].mask!, { width: 10, height: 10 });
      }),
      /"keyframe-1-mask\.png" is 10×10 but its keyframe is 24×16/
    );
  });

  it('refuses full-size frames that are not images, or not the shape of their keyframe', async () => {
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'keyframe-2-full.png', strToU8('<html>not a picture</html>'))),
      /"keyframe-2-full\.png" is not a PNG image/
    );
    await expectRefused(await tamper((files) => void delete files['keyframe-1-full.png']), /"keyframe-1-full\.png" is missing/);
    const resized = (width: number, height: number) =>
      tamper(async (files, m) => {
        await replaceFile(files, m, 'keyframe-1-full.png', encodeRgbaPng(patternImage(width, height, 5)));
        Object.assign(m.keyframes[0].full!, { width, height });
      });
    await expectRefused(await resized(120, 120), /"keyframe-1-full\.png" is 120×120 but its keyframe is 24×16/);
    await expectRefused(await resized(123, 80), /"keyframe-1-full\.png" is 123×80 but its keyframe is 24×16/);
    await expectRefused(await resized(12, 8), /"keyframe-1-full\.png" is 12×8 but its keyframe is 24×16/);
    await expectRefused(await tamper((_, m) => void (m.keyframes[0].full!.width = 5000)), /full\.width: must be at most 4096 pixels/);
  });

  it('refuses huge image dimensions, declared or inside the PNG, before decoding', async () => {
    await expectRefused(await tamper((_, m) => void (m.keyframes[0].input.width = 5000)), /input\.width: must be at most 4096 pixels/);
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'keyframe-1-input.png', pngHeaderClaiming(100_000, 100_000))),
      /is 100000×100000 pixels, larger than the 4096×4096 limit/
    );
  });

  it('refuses invalid strokes and invalid weights', async () => {
    await expectRefused(
      await tamper((files, m) => {
        const strokes = JSON.parse(new TextDecoder().decode(files['keyframe-1-strokes.json']));
        strokes.strokes[0].color = 'red';
        return replaceFile(files, m, 'keyframe-1-strokes.json', strToU8(JSON.stringify(strokes)));
      }),
      /strokes of keyframe 1 are invalid: .*color/
    );
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'weights.lbw', strToU8('definitely not weights'))),
      /its network weights are invalid: Not a Livebrush weights file/
    );
    await expectRefused(
      await tamper((files, m) => replaceFile(files, m, 'weights.lbw', withFirstTensorShape(tinyWeights(), [3, 3, 3, 99]))),
      /its network weights are invalid: Tensor .* has shape \[3,3,3,99\], expected/
    );
    await expectRefused(
      await tamper((_, m) => void (m.network = { ...TINY_NETWORK, stemFilters: 8 })),
      /describes a different network than its weights file holds/
    );
  });

  it('refuses oversize files and zips with too many entries', async () => {
    const huge = new Uint8Array(ARCHIVE_LIMITS.fileBytes + 1);
    huge.set([0x50, 0x4b, 3, 4]);
    await expectRefused(huge, /larger than the 64 MB a style may be/);
    await expectRefused(
      await tamper((files) => {
        for (let i = 0; i < ARCHIVE_LIMITS.entries; i++) files[`extra-${i}.txt`] = strToU8('x');
      }),
      /more than 64 files/
    );
  });
});
