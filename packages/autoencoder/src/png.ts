/**
 * PNG output for image grids (Node only: pngjs uses zlib). Import from `@lec/autoencoder/png`.
 */
import pngjs from 'pngjs';
import type { GrayImage } from './image-grid.js';

/**
 * Encodes a grayscale image as PNG bytes (8-bit grayscale PNG, via pngjs).
 * @example
 * ```ts
 * const bytes = encodePng({ width: 2, height: 1, data: new Uint8Array([0, 255]) });
 * [...bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''); // 'PNG'
 * ```
 */
export function encodePng(image: GrayImage): Uint8Array {
  const png = new pngjs.PNG({ width: image.width, height: image.height, colorType: 0 });
  for (let i = 0; i < image.width * image.height; i++) {
    const v = image.data[i];
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  const buffer = pngjs.PNG.sync.write(png, { colorType: 0 });
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Writes a grayscale image to `path` as PNG.
 * @example
 * ```ts
 * const image = { width: 1, height: 1, data: new Uint8Array([128]) };
 * writePng(join(tmpdir(), 'lec-example.png'), image);
 * Buffer.compare(readFileSync(join(tmpdir(), 'lec-example.png')), encodePng(image)); // 0 (the bytes of encodePng)
 * ```
 */
export function writePng(path: string, image: GrayImage): void {
  const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs');
  fs.writeFileSync(path, encodePng(image));
}
