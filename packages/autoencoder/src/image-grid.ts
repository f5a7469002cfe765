/**
 * Image grids for the docs: rows of images (inputs, noisy inputs, reconstructions, samples)
 * laid out on one 8-bit grayscale canvas. Values are clipped to [0, 1] and scaled to 0–255.
 */
import { ShapeError, type Tensor, ValueError } from '@lec/tensor';

/** An 8-bit grayscale image, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  /** width·height bytes, 0 = black. */
  data: Uint8Array;
}

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** Height and width of one image (default 28 × 28; NHWC inputs carry their own). */
  imageHeight?: number;
  imageWidth?: number;
  /** Images per grid row when a single tensor is given (default 10). */
  columns?: number;
  /** Pixels between images (default 2). */
  padding?: number;
  /** Gray level of the padding in [0, 1] (default 0.5). */
  background?: number;
  /** Integer upscaling of every pixel (default 1). */
  scale?: number;
}

/**
 * Lays images out on a grid. `rows` is one tensor of images ([n, h·w], [n, h, w] or NHWC
 * [n, h, w, 1]), wrapped every `columns`, or an array of such tensors, one grid row each
 * (e.g. [clean, noisy, reconstructed]).
 * @example
 * ```ts
 * const grid = imageGrid([zeros([3, 784]), ones([3, 784])], { padding: 1 });
 * [grid.width, grid.height]; // [88, 59]
 * grid.data[1 * grid.width + 1]; // 0
 * ```
 */
export function imageGrid(rows: Tensor | readonly Tensor[], options: ImageGridOptions = {}): GrayImage {
  const op = 'imageGrid';
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 1;
  const background = Math.round(255 * Math.min(1, Math.max(0, options.background ?? 0.5)));
  if (!(Number.isSafeInteger(padding) && padding >= 0))
    throw new ValueError(op, `option 'padding' expected a non-negative integer, got ${padding}`);
  if (!(Number.isSafeInteger(scale) && scale >= 1)) throw new ValueError(op, `option 'scale' expected a positive integer, got ${scale}`);
  const list = Array.isArray(rows) ? (rows as readonly Tensor[]) : null;
  const first = list ? list[0] : (rows as Tensor);
  if (!first) throw new ValueError(op, `argument 'rows' expected at least one tensor`);
  let h = options.imageHeight ?? 28;
  let w = options.imageWidth ?? 28;
  if (first.rank >= 3) [h, w] = [first.shape[1], first.shape[2]];
  const images = (t: Tensor, i: number): { n: number; data: ArrayLike<number> } => {
    if (t.rank < 2 || t.size !== t.shape[0] * h * w) {
      throw new ShapeError(
        op,
        `tensor ${i} expected images of ${h}×${w} (one channel): [n, ${h * w}], [n, ${h}, ${w}] or [n, ${h}, ${w}, 1], got [${t.shape.join(', ')}]`,
      );
    }
    return { n: t.shape[0], data: t.dataSync() };
  };
  // grid cells: [row][col] → (source data, index)
  const cells: { data: ArrayLike<number>; index: number }[][] = [];
  if (list) {
    list.forEach((t, i) => {
      const { n, data } = images(t, i);
      cells.push(Array.from({ length: n }, (_, j) => ({ data, index: j })));
    });
  } else {
    const columns = options.columns ?? 10;
    if (!(Number.isSafeInteger(columns) && columns >= 1))
      throw new ValueError(op, `option 'columns' expected a positive integer, got ${columns}`);
    const { n, data } = images(first, 0);
    for (let s = 0; s < n; s += columns) cells.push(Array.from({ length: Math.min(columns, n - s) }, (_, j) => ({ data, index: s + j })));
  }
  const cols = Math.max(...cells.map((r) => r.length));
  const cw = w * scale;
  const ch = h * scale;
  const width = cols * cw + (cols + 1) * padding;
  const height = cells.length * ch + (cells.length + 1) * padding;
  const out = new Uint8Array(width * height).fill(background);
  cells.forEach((row, r) => {
    row.forEach(({ data, index }, c) => {
      const x0 = padding + c * (cw + padding);
      const y0 = padding + r * (ch + padding);
      for (let y = 0; y < ch; y++) {
        for (let x = 0; x < cw; x++) {
          const v = data[index * h * w + Math.floor(y / scale) * w + Math.floor(x / scale)];
          out[(y0 + y) * width + x0 + x] = Math.round(255 * Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)));
        }
      }
    });
  });
  return { width, height, data: out };
}
