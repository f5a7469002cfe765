/**
 * gradCheck: reverse-mode gradients against central finite differences, in float64, the way
 * PyTorch's gradcheck does it (eps 1e-6, atol 1e-5, rtol 1e-3).
 *
 * f may return any shape (or several tensors): it is reduced to the scalar
 * L = Σ_k Σ w_k ⊙ f_k(x) with fixed random weights w_k in [0.5, 1.5)·±1, so one backward pass
 * checks a random projection of the whole Jacobian. For every element x_i of every checked
 * input, the numeric derivative is (L(x + eps·e_i) − L(x − eps·e_i)) / (2·eps), and
 * |analytic − numeric| <= atol + rtol·|numeric| must hold.
 */
import {
  type BackendV1,
  DTypeError,
  Rng,
  type Tensor,
  ValueError,
  isTensor,
  noGrad,
  sum,
  mul,
  add,
  tensor,
  tidy,
  valueAndGrad,
} from '@lec/tensor';

/** Options of gradCheck. */
export interface GradCheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Default 1e-5. */
  atol?: number;
  /** Default 1e-3. */
  rtol?: number;
  /** Indices of the inputs to differentiate (default: every float input). */
  wrt?: readonly number[];
  /** Seed of the projection weights (default 0). */
  seed?: number;
  /** Throw an Error describing the mismatches (default true). */
  raise?: boolean;
}

/** One element whose gradients disagree. */
export interface GradMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

/** What gradCheck found. */
export interface GradCheckResult {
  ok: boolean;
  /** Number of derivatives compared. */
  checked: number;
  maxAbsError: number;
  maxRelError: number;
  mismatches: GradMismatch[];
  message: string;
}

type Fn = (...xs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(op: string, value: Tensor | readonly Tensor[]): Tensor[] {
  const list = isTensor(value) ? [value] : [...value];
  list.forEach((t, i) => {
    if (!isTensor(t)) throw new ValueError(op, `the function must return a Tensor or an array of Tensors, got ${typeof t} at ${i}`);
    if (t.dtype !== 'float64')
      throw new DTypeError(op, `output ${i} of the function is ${t.dtype}; gradCheck needs float64 outputs (use float64 inputs)`);
  });
  return list;
}

/**
 * Checks the gradients of `f` at `inputs` (float64 tensors on one backend; int32 inputs are
 * passed through unchanged) against central finite differences.
 * @example
 * ```ts
 * const x = tensor([0.5, -1.2, 2], undefined, { dtype: 'float64' });
 * gradCheck((t) => mul(t, t), [x]).ok; // true
 * ```
 */
export function gradCheck(f: Fn, inputs: readonly Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const op = 'gradCheck';
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  inputs.forEach((t, i) => {
    if (!isTensor(t)) throw new ValueError(op, `argument 'inputs' expected Tensors, got ${typeof t} at ${i}`);
  });
  const wrt = options.wrt ?? inputs.flatMap((t, i) => (t.dtype === 'int32' ? [] : [i]));
  for (const i of wrt) {
    if (!inputs[i]) throw new ValueError(op, `argument 'wrt' names input ${i}, but there are ${inputs.length} inputs`);
    if (inputs[i].dtype !== 'float64')
      throw new DTypeError(op, `argument 'inputs' [${i}] is ${inputs[i].dtype}; gradient checks run in float64`);
  }
  if (wrt.length === 0) throw new ValueError(op, `argument 'wrt' is empty: no float input to check`);
  const backend: BackendV1 = inputs[wrt[0]].backend;

  // fixed projection weights, one per output, made from the output shapes of a first call
  const rng = new Rng(options.seed ?? 0);
  const shapes = tidy(() => noGrad(() => outputsOf(op, f(...inputs)).map((t) => [...t.shape])));
  const weights = shapes.map((s) => {
    const n = s.reduce((p, d) => p * d, 1);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = (rng.uniform(1)[0] < 0.5 ? -1 : 1) * (0.5 + rng.uniform(1)[0]);
    return tensor(w, s, { dtype: 'float64', backend });
  });
  const project = (value: Tensor | readonly Tensor[]): Tensor => {
    const outs = outputsOf(op, value);
    if (outs.length !== weights.length) throw new ValueError(op, `the function returned ${outs.length} tensors, then ${weights.length}`);
    return outs.map((o, k) => sum(mul(o, weights[k]))).reduce((a, b) => add(a, b));
  };

  try {
    // analytic: one backward pass through the projection
    const analytic = tidy(() => {
      const g = valueAndGrad((...xs: Tensor[]) => {
        const all = inputs.slice();
        wrt.forEach((i, j) => (all[i] = xs[j]));
        return project(f(...all));
      })(...wrt.map((i) => inputs[i]));
      return g.grads.map((t) => t.dataSync());
    });

    // numeric: central differences, one element at a time
    const mismatches: GradMismatch[] = [];
    let checked = 0;
    let maxAbsError = 0;
    let maxRelError = 0;
    wrt.forEach((inputIndex, j) => {
      const x = inputs[inputIndex];
      const base = Float64Array.from(x.dataSync());
      const loss = (data: Float64Array): number =>
        tidy(() =>
          noGrad(() => {
            const all = inputs.slice();
            all[inputIndex] = tensor(data, x.shape, { dtype: 'float64', backend });
            return project(f(...all)).dataSync()[0];
          }),
        );
      for (let i = 0; i < base.length; i++) {
        const v = base[i];
        base[i] = v + eps;
        const up = loss(base);
        base[i] = v - eps;
        const down = loss(base);
        base[i] = v;
        const numeric = (up - down) / (2 * eps);
        const a = analytic[j][i];
        const abs = Math.abs(a - numeric);
        const rel = numeric === 0 ? (abs === 0 ? 0 : Infinity) : abs / Math.abs(numeric);
        checked++;
        if (!(abs <= atol + rtol * Math.abs(numeric))) mismatches.push({ input: inputIndex, index: i, analytic: a, numeric });
        if (!(abs <= maxAbsError)) maxAbsError = abs;
        if (!(rel <= maxRelError) && abs > atol) maxRelError = rel;
      }
    });
    const ok = mismatches.length === 0;
    const message = ok
      ? ''
      : `gradCheck: ${mismatches.length} of ${checked} derivatives differ from central differences (eps ${eps}, atol ${atol}, rtol ${rtol}); ` +
        `largest abs error ${maxAbsError.toPrecision(4)}; first: ` +
        mismatches
          .slice(0, 5)
          .map((m) => `input ${m.input} [${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`)
          .join('; ');
    if (!ok && (options.raise ?? true)) throw new Error(message);
    return { ok, checked, maxAbsError, maxRelError, mismatches, message };
  } finally {
    for (const w of weights) w.dispose();
  }
}
