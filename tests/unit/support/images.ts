import type { RgbaImage } from '../../../src/lib/ml/types';

/** The image at half size (2×2 means), as a 2D canvas draws it small for tracking. */
export function halveImage(image: RgbaImage): RgbaImage {
  const width = image.width / 2;
  const height = image.height / 2;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 4; c++) {
        const at = (dx: number, dy: number) => image.data[((2 * y + dy) * image.width + 2 * x + dx) * 4 + c];
        data[(y * width + x) * 4 + c] = (at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4;
      }
  return { width, height, data };
}
