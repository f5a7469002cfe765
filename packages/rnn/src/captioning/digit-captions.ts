/**
 * The captioning task: images of 1–3 real handwritten digits placed side by side at random
 * offsets, captioned with the digits' spelled words ("three five"). Composed from a split of
 * digit images (e.g. loadMnist of @lec/cnn), so captions composed from the test split use
 * digit images the model never saw in training.
 *
 * Layout: each 28×28 digit is placed at a random height offset (±`jitter`), its left edge
 * `advance` ∈ [20, 24] pixels after the previous digit's (MNIST's ink fills the middle 20×20,
 * so neighbours touch at most), the whole row at a random horizontal offset; overlapping pixels
 * take the maximum. Canvas 28 × width, width = 28 + 24·(maxDigits − 1) by default (76).
 *
 * Tokens: BOS 0, EOS 1, the word of digit d is token d + 2 (vocabulary 12).
 */
import { Rng, type Tensor, ValueError, tensor } from '@lec/tensor';

/** The spelled digits, index = digit. */
export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** Token ids of the captions: BOS 0, EOS 1, digit d → d + 2; 12 tokens in all. */
export const CAPTION_TOKENS = Object.freeze({ bos: 0, eos: 1, firstDigit: 2, vocab: 12 });

/** Options of `digitCaptions`. */
export interface DigitCaptionOptions {
  /** Fewest digits per image (default 1). */
  minDigits?: number;
  /** Most digits per image (default 3). */
  maxDigits?: number;
  /** Canvas width in pixels (default 28 + 24·(maxDigits − 1)). */
  width?: number;
  /** Largest vertical offset of a digit, in pixels (default 2). */
  jitter?: number;
  seed?: number;
  rng?: Rng;
}

/** Composed caption images. */
export interface DigitCaptions {
  /** NHWC [count, 28, width, 1] in [0, 1]. */
  images: Tensor;
  /** The digits of every image, left to right. */
  digits: number[][];
  /** The captions as words ("three five"). */
  captions: string[];
}

/**
 * The caption of a digit list.
 * @example
 * ```ts
 * captionText([3, 5]); // 'three five'
 * ```
 */
export function captionText(digits: readonly number[]): string {
  for (const d of digits)
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new ValueError('captionText', `argument 'digits' expected digits 0–9, got ${d}`);
  return digits.map((d) => DIGIT_WORDS[d]).join(' ');
}

/**
 * The caption of a token list (EOS ends it; BOS and unknown ids are skipped).
 * @example
 * ```ts
 * tokensToCaption([5, 7, 1]); // 'three five'
 * ```
 */
export function tokensToCaption(tokens: readonly number[]): string {
  const digits: number[] = [];
  for (const t of tokens) {
    if (!Number.isSafeInteger(t)) throw new ValueError('tokensToCaption', `argument 'tokens' expected integer token ids, got ${t}`);
    if (t === CAPTION_TOKENS.eos) break;
    const d = t - CAPTION_TOKENS.firstDigit;
    if (d >= 0 && d < 10) digits.push(d);
  }
  return captionText(digits);
}

function checkSplit(op: string, split: { images: Tensor; labels: Tensor }): { pixels: Float32Array; labels: ArrayLike<number>; n: number } {
  const { images, labels } = split;
  if (images.rank !== 4 || images.shape[1] !== 28 || images.shape[2] !== 28 || images.shape[3] !== 1)
    throw new ValueError(op, `argument 'split.images' expected NHWC [n, 28, 28, 1], got [${images.shape.join(', ')}]`);
  const n = images.shape[0];
  if (labels.rank !== 1 || labels.shape[0] !== n)
    throw new ValueError(op, `argument 'split.labels' expected [${n}] digit labels, got [${labels.shape.join(', ')}]`);
  if (n === 0) throw new ValueError(op, `argument 'split' has no images`);
  const y = labels.dataSync();
  for (const label of y)
    if (!Number.isInteger(label) || label < 0 || label > 9)
      throw new ValueError(op, `argument 'split.labels' expected digits 0–9, got ${label}`);
  return { pixels: Float32Array.from(images.dataSync()), labels: y, n };
}

function checkLayout(op: string, options: DigitCaptionOptions): Required<Omit<DigitCaptionOptions, 'seed' | 'rng'>> {
  const minDigits = options.minDigits ?? 1;
  const maxDigits = options.maxDigits ?? 3;
  if (!Number.isSafeInteger(minDigits) || !Number.isSafeInteger(maxDigits) || minDigits < 1 || maxDigits < minDigits)
    throw new ValueError(
      op,
      `arguments 'minDigits' and 'maxDigits' expected integers 1 <= minDigits <= maxDigits, got ${minDigits} and ${maxDigits}`,
    );
  const width = options.width ?? 28 + 24 * (maxDigits - 1);
  if (!Number.isSafeInteger(width) || width < 28 + 24 * (maxDigits - 1))
    throw new ValueError(
      op,
      `argument 'width' expected an integer >= ${28 + 24 * (maxDigits - 1)} (room for ${maxDigits} digits), got ${options.width}`,
    );
  const jitter = options.jitter ?? 2;
  if (!Number.isSafeInteger(jitter) || jitter < 0 || jitter > 8)
    throw new ValueError(op, `argument 'jitter' expected an integer in [0, 8], got ${options.jitter}`);
  return { minDigits, maxDigits, width, jitter };
}

/**
 * @internal The sampler behind digitCaptions: writes `count` composed images into `out`
 * ([count, 28, width] floats) and returns their digits. The checked split is reused across calls.
 */
export function composeInto(
  source: { pixels: Float32Array; labels: ArrayLike<number>; n: number },
  out: Float32Array,
  count: number,
  layout: Required<Omit<DigitCaptionOptions, 'seed' | 'rng'>>,
  rng: Rng,
): number[][] {
  const { width, jitter, minDigits, maxDigits } = layout;
  const size = 28 * width;
  out.fill(0, 0, count * size);
  const all: number[][] = [];
  for (let i = 0; i < count; i++) {
    const k = minDigits + rng.int(maxDigits - minDigits + 1);
    const advances = Array.from({ length: k - 1 }, () => 20 + rng.int(5));
    const span = 28 + advances.reduce((s, a) => s + a, 0);
    let x0 = rng.int(width - span + 1);
    const digits: number[] = [];
    for (let j = 0; j < k; j++) {
      const src = rng.int(source.n);
      digits.push(source.labels[src]);
      const dy = rng.int(2 * jitter + 1) - jitter;
      for (let r = 0; r < 28; r++) {
        const y = r + dy;
        if (y < 0 || y >= 28) continue;
        for (let c = 0; c < 28; c++) {
          const v = source.pixels[src * 784 + r * 28 + c];
          const at = i * size + y * width + x0 + c;
          if (v > out[at]) out[at] = v;
        }
      }
      if (j < k - 1) x0 += advances[j];
    }
    all.push(digits);
  }
  return all;
}

/** @internal checkSplit and checkLayout for the trainer. */
export const checkCaptionInputs = { split: checkSplit, layout: checkLayout };

/**
 * digitCaptions(split, count, options): `count` images of 1–3 digits of `split` side by side,
 * with their captions. Seeded.
 * @example
 * ```ts
 * const digits = { images: zeros([2, 28, 28, 1]), labels: tensor([3, 5], undefined, { dtype: 'int32' }) };
 * const { images, digits: d, captions } = digitCaptions(digits, 4, { seed: 0 });
 * images.shape; // [4, 28, 76, 1]
 * captions.length === d.length; // true
 * ```
 */
export function digitCaptions(split: { images: Tensor; labels: Tensor }, count: number, options: DigitCaptionOptions = {}): DigitCaptions {
  const op = 'digitCaptions';
  if (!Number.isSafeInteger(count) || count < 0) throw new ValueError(op, `argument 'count' expected an integer >= 0, got ${count}`);
  const layout = checkLayout(op, options);
  const source = checkSplit(op, split);
  const out = new Float32Array(count * 28 * layout.width);
  const digits = composeInto(source, out, count, layout, options.rng ?? new Rng(options.seed ?? 0));
  return { images: tensor(out, [count, 28, layout.width, 1]), digits, captions: digits.map(captionText) };
}
