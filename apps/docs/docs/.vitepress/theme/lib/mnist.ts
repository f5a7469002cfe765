/**
 * MNIST in the page: the subset the build extracted (uint8 pixels, one byte per label) and
 * the MNIST preprocessing of a drawing (LeCun's recipe: the digit's bounding box scaled to fit
 * 20×20 with its aspect ratio kept, placed in 28×28 so that its centre of mass is at the
 * centre; the demo then deskews it, as the model's training digits were).
 */
import { tensor } from '@lec/tensor';
import { withBase } from 'vitepress';

export async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(withBase(path));
  if (!response.ok) throw new Error(`could not load ${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A split of the extracted subset as NHWC images in [0, 1] and int32 labels. */
export async function loadMnistSubset(split: 'train' | 'test') {
  const [pixels, labels] = await Promise.all([
    fetchBytes(`/generated/mnist-${split}-images.u8`),
    fetchBytes(`/generated/mnist-${split}-labels.u8`),
  ]);
  const n = labels.length;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return { images: tensor(x, [n, 28, 28, 1]), labels: tensor(Int32Array.from(labels), [n], { dtype: 'int32' }), count: n };
}

/**
 * MNIST's own preprocessing of a drawing (LeCun et al.: "size normalized to fit in a 20×20
 * pixel box while preserving their aspect ratio ... centered in a 28×28 image by computing the
 * center of mass"), steps 1 and 2 of what the demo does (step 3, deskewing, is the model's
 * own: `deskew` from @lec/cnn, as the training digits were).
 */
export const MNIST_BOX = 20;

/** The bounding box of the pixels brighter than `threshold` (0–255) in RGBA data, or undefined. */
export function inkBox(data: ArrayLike<number>, width: number, height: number, threshold = 25) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[4 * (y * width + x)] > threshold) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? undefined : { x0, y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Shifts a 28×28 image (by whole pixels) so that its centre of mass is the image centre. */
export function centreByMass(gray: Float32Array): Float32Array {
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < 784; i++) {
    mass += gray[i];
    cx += gray[i] * (i % 28);
    cy += gray[i] * Math.floor(i / 28);
  }
  if (mass === 0) return gray;
  const dx = Math.round(13.5 - cx / mass);
  const dy = Math.round(13.5 - cy / mass);
  const centred = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) centred[y * 28 + x] = gray[sy * 28 + sx];
    }
  }
  return centred;
}

/**
 * The drawing on `source` (white strokes on black) as 784 values in [0, 1], or undefined when
 * blank: the ink's bounding box scaled (aspect ratio kept) so its longer side is 20 pixels,
 * anti-aliased, placed in 28×28, then moved so its centre of mass is the centre.
 */
export function toMnistPixels(source: HTMLCanvasElement): Float32Array | undefined {
  const { width, height } = source;
  const box = inkBox(source.getContext('2d')!.getImageData(0, 0, width, height).data, width, height);
  if (!box) return undefined;
  const scale = MNIST_BOX / Math.max(box.width, box.height);
  // Draw the box at 4× the target size, then halve twice: each step averages 2×2 pixels, so the
  // 28×28 grey levels are area averages (anti-aliasing as MNIST's), not one sample per pixel.
  let canvas = document.createElement('canvas');
  canvas.width = 112;
  canvas.height = 112;
  let context = canvas.getContext('2d')!;
  context.fillStyle = '#000';
  context.fillRect(0, 0, 112, 112);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  const w = 4 * box.width * scale;
  const h = 4 * box.height * scale;
  context.drawImage(source, box.x0, box.y0, box.width, box.height, 56 - w / 2, 56 - h / 2, w, h);
  for (const size of [56, 28]) {
    const next = document.createElement('canvas');
    next.width = size;
    next.height = size;
    const nextContext = next.getContext('2d')!;
    nextContext.imageSmoothingEnabled = true;
    nextContext.imageSmoothingQuality = 'high';
    nextContext.drawImage(canvas, 0, 0, 2 * size, 2 * size, 0, 0, size, size);
    canvas = next;
    context = nextContext;
  }
  const pixels = context.getImageData(0, 0, 28, 28).data;
  const gray = new Float32Array(784);
  for (let i = 0; i < 784; i++) gray[i] = pixels[4 * i] / 255;
  return centreByMass(gray);
}

/** Paints 784 values in [0, 1] onto a 28×28 canvas (shown enlarged with pixelated rendering). */
export function paintPixels(canvas: HTMLCanvasElement, pixels: Float32Array): void {
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * pixels[i]);
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

/** Paints a gray image ({width, height, data} with one byte per pixel) onto a canvas. */
export function paintGray(canvas: HTMLCanvasElement, image: { width: number; height: number; data: ArrayLike<number> }, scale = 2): void {
  canvas.width = image.width * scale;
  canvas.height = image.height * scale;
  canvas.style.width = `${image.width * scale}px`;
  canvas.style.height = `${image.height * scale}px`;
  const small = document.createElement('canvas');
  small.width = image.width;
  small.height = image.height;
  const pixels = small.getContext('2d')!.createImageData(image.width, image.height);
  for (let i = 0; i < image.width * image.height; i++) pixels.data.set([image.data[i], image.data[i], image.data[i], 255], 4 * i);
  small.getContext('2d')!.putImageData(pixels, 0, 0);
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}
