/**
 * MNIST in the page: the subset the build extracted (uint8 pixels, one byte per label) and
 * the MNIST-style preprocessing of a drawing (LeCun's recipe: the digit's bounding box scaled
 * to fit 20×20, placed in 28×28 so that its centre of mass is at the centre).
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

/** The drawing on `source` (white strokes on black) as 784 values in [0, 1], or undefined when blank. */
export function toMnistPixels(source: HTMLCanvasElement): Float32Array | undefined {
  const context = source.getContext('2d')!;
  const { width, height } = source;
  const { data } = context.getImageData(0, 0, width, height);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[4 * (y * width + x)] > 25) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const boxWidth = x1 - x0 + 1;
  const boxHeight = y1 - y0 + 1;
  const scale = 20 / Math.max(boxWidth, boxHeight);
  // Downscale in two steps (smoother than one large step).
  const middle = document.createElement('canvas');
  middle.width = 80;
  middle.height = 80;
  const mc = middle.getContext('2d')!;
  mc.fillStyle = '#000';
  mc.fillRect(0, 0, 80, 80);
  mc.imageSmoothingQuality = 'high';
  mc.drawImage(
    source,
    x0,
    y0,
    boxWidth,
    boxHeight,
    40 - 2 * boxWidth * scale,
    40 - 2 * boxHeight * scale,
    4 * boxWidth * scale,
    4 * boxHeight * scale,
  );
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  const sc = small.getContext('2d')!;
  sc.imageSmoothingQuality = 'high';
  sc.drawImage(middle, 0, 0, 80, 80, -6, -6, 40, 40);
  const pixels = sc.getImageData(0, 0, 28, 28).data;
  const gray = new Float32Array(784);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < 784; i++) {
    gray[i] = pixels[4 * i] / 255;
    mass += gray[i];
    cx += gray[i] * (i % 28);
    cy += gray[i] * Math.floor(i / 28);
  }
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
