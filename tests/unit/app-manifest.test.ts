// The web app manifest and its icons: what a phone needs to install Livebrush and open .livebrush files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync('static/manifest.webmanifest', 'utf8'));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('manifest', () => {
  it('describes a standalone portrait app that stays inside its folder', () => {
    expect(manifest).toMatchObject({ name: 'Livebrush', display: 'standalone', orientation: 'portrait', start_url: './', scope: './', id: './' });
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('has real PNG icons of the sizes it claims, including a maskable one', () => {
    for (const icon of manifest.icons as { src: string; sizes: string }[]) {
      const [width, height] = icon.sizes.split('x').map(Number);
      expect(pngSize(`static/${icon.src}`)).toEqual({ width, height });
    }
    const sizes = manifest.icons.map((icon: { sizes: string; purpose: string }) => `${icon.sizes} ${icon.purpose}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  });

  it('icons are drawn, not blank squares', () => {
    const icon = readFileSync('static/icons/icon-512.png');
    // A flat single-colour 512² PNG compresses to well under 2 kB.
    expect(icon.byteLength).toBeGreaterThan(8_000);
  });

  it('opens .livebrush files in the studio', () => {
    expect(manifest.file_handlers).toEqual([{ action: './', accept: { 'application/x-livebrush': ['.livebrush'] } }]);
  });
});
