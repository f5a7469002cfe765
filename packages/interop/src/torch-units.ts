/**
 * How each lec layer with parameters corresponds to a PyTorch module: the torch parameter
 * names and shapes it expects, and the conversions both ways.
 *
 *   lec Dense W [in, out], b [out]                     nn.Linear weight [out, in], bias [out]
 *   lec Conv2d W [kh, kw, in/g, out] (HWIO)            nn.Conv2d weight [out, in/g, kh, kw] (OIHW)
 *   lec Conv2dTranspose W [kh, kw, out, in]            nn.ConvTranspose2d weight [in, out, kh, kw]
 *   lec BatchNorm*, LayerNorm, Embedding               the same names and shapes (running_mean, running_var)
 *   lec LSTM layer k: weightIh [in, 4H], weightHh [H, 4H], bias [4H] (gates i, f, g, o)
 *                                                      weight_ih_l{k} [4H, in], weight_hh_l{k} [4H, H],
 *                                                      bias_ih_l{k} + bias_hh_l{k} (one lec bias = their sum)
 *   lec GRU layer k: weightIh [in, 3H], weightHh, biasIh, biasHh (gates r, z, n; reset after)
 *                                                      weight_ih_l{k} [3H, in], ..., bias_hh_l{k}: torch's form exactly
 *   lec Bidirectional(LSTM/GRU/RNN, one layer each)    one nn.LSTM(bidirectional=True) layer: the _reverse names
 *   lec GCNConv W [in, out], b [out]                   Kipf's pygcn GraphConvolution: weight [in, out], bias [out]
 *
 * The NCHW trap: a torch model flattens a conv output [N, C, H, W] channel-major, lec flattens
 * [N, H, W, C] channel-last. The first Dense after a Flatten of a conv output therefore has its
 * input rows permuted (`nhwcToNchwOrder`), so both models compute the same function.
 */
import { BatchNorm1d, BatchNorm2d, Dense, Embedding, Flatten, LayerNorm, type Module } from '@lec/nn';
import { AvgPool2d, Conv2d, Conv2dTranspose, GlobalAvgPool, MaxPool2d, Upsample } from '@lec/cnn';
import { GCNConv } from '@lec/gcn';
import { Bidirectional, GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type Recurrent } from '@lec/rnn';
import type { Padding, TypedArray, Variable } from '@lec/tensor';
import { nhwcToNchwOrder, permute } from './layout.js';

/** One torch parameter a unit expects: its name relative to the module and its torch shape. */
export interface TorchParam {
  name: string;
  shape: number[];
}

/** A lec layer (or one layer of a stacked recurrent layer) and its torch counterpart. */
export interface TorchUnit {
  /** The lec module path (`'3'`, `'0.forwardLayer'`), '' for the model itself. */
  path: string;
  /** For messages: `Dense 400→120`. */
  label: string;
  /** The recurrent layer index within the torch module (`_l{k}`), or null. */
  layer: number | null;
  /** The torch parameters, names relative to the torch module (with `{k}` for `layer`). */
  params: TorchParam[];
  /** Torch names accepted and ignored when present (BatchNorm's `num_batches_tracked`). */
  ignored: string[];
  /** Converts torch data (by relative name) into lec values for the variables. */
  read(get: (name: string) => TypedArray): [Variable, Float32Array][];
  /** The torch tensors of this unit: [relative name, data, shape]. */
  write(): [string, TypedArray, number[]][];
}

/** What `collectTorchUnits` found. */
export interface CollectedUnits {
  units: TorchUnit[];
  problems: string[];
}

/** Options of the collection: the image shape when a Dense follows a conv Flatten. */
export interface CollectOptions {
  /** [height, width, channels] of the model's image input (NHWC); needed when a flattened conv output is not square. */
  inputShape?: readonly number[];
}

type StandardCell = RNNCell | LSTMCell | GRUCell;

const read = (v: Variable): Float32Array => Float32Array.from(v.value.dataSync());
const transpose2 = (data: TypedArray, rows: number, cols: number): Float32Array => permute(data, [rows, cols], [1, 0]);

function denseUnit(path: string, d: Dense, nchw: [number, number, number] | null): TorchUnit {
  const { inFeatures: n, outFeatures: m } = d;
  const order = nchw ? nhwcToNchwOrder(...nchw) : null;
  const params: TorchParam[] = [{ name: 'weight', shape: [m, n] }];
  if (d.bias) params.push({ name: 'bias', shape: [m] });
  return {
    path,
    label: `Dense ${n}→${m}${nchw ? ` (after Flatten of [${nchw.join(', ')}])` : ''}`,
    layer: null,
    params,
    ignored: [],
    read(get) {
      const w = get('weight'); // [m, n]
      const out = new Float32Array(n * m);
      for (let j = 0; j < n; j++) {
        const col = order ? order[j] : j;
        for (let o = 0; o < m; o++) out[j * m + o] = w[o * n + col];
      }
      const result: [Variable, Float32Array][] = [[d.weight, out]];
      if (d.bias) result.push([d.bias, Float32Array.from(get('bias'))]);
      return result;
    },
    write() {
      const w = read(d.weight);
      const out = new Float32Array(n * m);
      for (let j = 0; j < n; j++) {
        const col = order ? order[j] : j;
        for (let o = 0; o < m; o++) out[o * n + col] = w[j * m + o];
      }
      const result: [string, TypedArray, number[]][] = [['weight', out, [m, n]]];
      if (d.bias) result.push(['bias', read(d.bias), [m]]);
      return result;
    },
  };
}

function convUnit(path: string, c: Conv2d | Conv2dTranspose): TorchUnit {
  const [kh, kw, a, b] = c.weight.shape;
  // lec HWIO [kh, kw, a, b] ↔ torch [b, a, kh, kw] for Conv2d (a = in/g, b = out);
  // Conv2dTranspose lec [kh, kw, out, in] ↔ torch [in, out, kh, kw]: the same axis permutation
  const torchShape = [b, a, kh, kw];
  const params: TorchParam[] = [{ name: 'weight', shape: torchShape }];
  if (c.bias) params.push({ name: 'bias', shape: [c.outChannels] });
  return {
    path,
    label: `${c.type} ${c.inChannels}→${c.outChannels} ${kh}×${kw}`,
    layer: null,
    params,
    ignored: [],
    read(get) {
      const result: [Variable, Float32Array][] = [[c.weight, permute(get('weight'), torchShape, [2, 3, 1, 0])]];
      if (c.bias) result.push([c.bias, Float32Array.from(get('bias'))]);
      return result;
    },
    write() {
      const result: [string, TypedArray, number[]][] = [['weight', permute(read(c.weight), c.weight.shape, [3, 2, 0, 1]), torchShape]];
      if (c.bias) result.push(['bias', read(c.bias), [c.outChannels]]);
      return result;
    },
  };
}

/** Layers whose torch parameters have lec's names, shapes and layouts. */
function sameUnit(path: string, label: string, named: [string, Variable][], ignored: string[] = []): TorchUnit {
  return {
    path,
    label,
    layer: null,
    params: named.map(([name, v]) => ({ name, shape: [...v.shape] })),
    ignored,
    read: (get) => named.map(([name, v]) => [v, Float32Array.from(get(name))]),
    write: () => named.map(([name, v]) => [name, read(v), [...v.shape]]),
  };
}

/** One layer (k) of a torch recurrent module, one direction or both. */
function recurrentUnit(path: string, label: string, k: number, cells: [StandardCell, string][]): TorchUnit {
  const params: TorchParam[] = [];
  for (const [cell, suffix] of cells) {
    const gates = cell instanceof LSTMCell ? 4 : cell instanceof GRUCell ? 3 : 1;
    const g = gates * cell.hiddenSize;
    params.push(
      { name: `weight_ih_l{k}${suffix}`, shape: [g, cell.inputSize] },
      { name: `weight_hh_l{k}${suffix}`, shape: [g, cell.hiddenSize] },
      { name: `bias_ih_l{k}${suffix}`, shape: [g] },
      { name: `bias_hh_l{k}${suffix}`, shape: [g] },
    );
  }
  return {
    path,
    label,
    layer: k,
    params,
    ignored: [],
    read(get) {
      const out: [Variable, Float32Array][] = [];
      for (const [cell, s] of cells) {
        const g = cell.weightIh.shape[1];
        out.push([cell.weightIh, transpose2(get(`weight_ih_l{k}${s}`), g, cell.inputSize)]);
        out.push([cell.weightHh, transpose2(get(`weight_hh_l{k}${s}`), g, cell.hiddenSize)]);
        const bih = get(`bias_ih_l{k}${s}`);
        const bhh = get(`bias_hh_l{k}${s}`);
        if (cell instanceof GRUCell) {
          out.push([cell.biasIh, Float32Array.from(bih)], [cell.biasHh, Float32Array.from(bhh)]);
        } else {
          // LSTM and plain RNN: both torch biases are added to the same pre-activation
          const b = new Float32Array(g);
          for (let i = 0; i < g; i++) b[i] = bih[i] + bhh[i];
          out.push([cell.bias, b]);
        }
      }
      return out;
    },
    write() {
      const out: [string, TypedArray, number[]][] = [];
      for (const [cell, s] of cells) {
        const g = cell.weightIh.shape[1];
        out.push([`weight_ih_l{k}${s}`, transpose2(read(cell.weightIh), cell.inputSize, g), [g, cell.inputSize]]);
        out.push([`weight_hh_l{k}${s}`, transpose2(read(cell.weightHh), cell.hiddenSize, g), [g, cell.hiddenSize]]);
        if (cell instanceof GRUCell) {
          out.push([`bias_ih_l{k}${s}`, read(cell.biasIh), [g]], [`bias_hh_l{k}${s}`, read(cell.biasHh), [g]]);
        } else {
          out.push([`bias_ih_l{k}${s}`, read(cell.bias), [g]], [`bias_hh_l{k}${s}`, new Float32Array(g), [g]]);
        }
      }
      return out;
    },
  };
}

function recurrentProblem(path: string, r: Recurrent): string | null {
  const cell = r.cells[0];
  if (cell instanceof GRUCell && !cell.resetAfter)
    return `layer '${path}' (GRU with resetAfter: false) has no PyTorch equivalent: torch's GRU applies the reset gate after the recurrent product (resetAfter: true)`;
  if (cell instanceof RNNCell && cell.activation !== 'tanh' && cell.activation !== 'relu')
    return `layer '${path}' (RNN) has activation ${cell.activation}; torch supports tanh and relu`;
  return null;
}

/** Output size of one spatial dimension through a conv or pool window. */
function windowOut(size: number, k: number, s: number, d: number, padding: Padding, axis: 0 | 1): number {
  const span = d * (k - 1) + 1;
  if (padding === 'same') return Math.ceil(size / s);
  if (padding === 'valid') return Math.floor((size - span) / s) + 1;
  const [before, after] = typeof padding === 'number' ? [padding, padding] : padding[axis];
  return Math.floor((size + before + after - span) / s) + 1;
}

/**
 * Walks a lec model (children in registration order, as `namedParameters` does) and returns
 * one unit per torch module (per layer for stacked recurrent layers), with every problem
 * (unsupported layers) listed.
 * @example
 * ```ts
 * const { units } = collectTorchUnits(new Sequential([new Dense(4, 3, { seed: 0 }), new ReLU(), new Dense(3, 2, { seed: 0 })]));
 * units.map((u) => u.path); // ['0', '2']
 * ```
 */
export function collectTorchUnits(model: Module<any, any>, options: CollectOptions = {}): CollectedUnits {
  const units: TorchUnit[] = [];
  const problems: string[] = [];
  // the NCHW-flatten tracking: channels of the current image, its spatial size when known
  let channels: number | null = options.inputShape?.length === 3 ? options.inputShape[2] : null;
  let spatial: [number, number] | null = options.inputShape?.length === 3 ? [options.inputShape[0], options.inputShape[1]] : null;
  let flattened: { c: number; hw: [number, number] | null } | null = null;
  const walk = (m: Module<any, any>, path: string): void => {
    const at = (name: string) => (path ? `${path}.${name}` : name);
    if (m instanceof Dense) {
      let nchw: [number, number, number] | null = null;
      if (flattened) {
        const { c, hw } = flattened;
        let h = hw?.[0] ?? 0;
        let w = hw?.[1] ?? 0;
        if (!hw || h * w * c !== m.inFeatures) {
          const side = Math.round(Math.sqrt(m.inFeatures / c));
          h = side;
          w = side;
        }
        if (h * w * c !== m.inFeatures)
          problems.push(
            `layer '${path}' (Dense ${m.inFeatures}→${m.outFeatures}) follows a Flatten of a ${c}-channel conv output that is not square: pass options.inputShape [height, width, channels]`,
          );
        else nchw = [h, w, c];
        flattened = null;
      }
      units.push(denseUnit(path, m, nchw));
      return;
    }
    if (m instanceof Conv2d || m instanceof Conv2dTranspose) {
      units.push(convUnit(path, m));
      if (spatial) {
        const [kh, kw] = m.kernelSize;
        if (m instanceof Conv2d) {
          const config = m.config() as { strides: number[]; dilations: number[] };
          const padding = m.config().padding as Padding;
          spatial = [
            windowOut(spatial[0], kh, config.strides[0], config.dilations[0], padding, 0),
            windowOut(spatial[1], kw, config.strides[1], config.dilations[1], padding, 1),
          ];
        } else {
          const [sh, sw] = m.strides;
          spatial = m.padding === 'same' ? [spatial[0] * sh, spatial[1] * sw] : [(spatial[0] - 1) * sh + kh, (spatial[1] - 1) * sw + kw];
        }
      }
      channels = m.outChannels;
      return;
    }
    if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
      if (spatial)
        spatial = [
          windowOut(spatial[0], m.windowSize[0], m.strides[0], 1, m.padding, 0),
          windowOut(spatial[1], m.windowSize[1], m.strides[1], 1, m.padding, 1),
        ];
      return;
    }
    if (m instanceof Upsample) {
      if (spatial) spatial = [spatial[0] * m.scale, spatial[1] * m.scale];
      return;
    }
    if (m instanceof GlobalAvgPool) {
      channels = null;
      spatial = null;
      return;
    }
    if (m instanceof Flatten) {
      if (channels !== null) flattened = { c: channels, hw: spatial };
      channels = null;
      spatial = null;
      return;
    }
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      if (m instanceof BatchNorm1d && flattened)
        problems.push(
          `layer '${path}' (BatchNorm1d) sits between a conv Flatten and its Dense: its features are in NHWC order, not torch's`,
        );
      units.push(sameUnit(path, `${m.type} ${m.numFeatures}`, m.namedParameters(), ['num_batches_tracked']));
      return;
    }
    if (m instanceof LayerNorm || m instanceof Embedding) {
      const label = m instanceof Embedding ? `Embedding ${m.numEmbeddings}×${m.dim}` : `LayerNorm [${m.normalizedShape.join(', ')}]`;
      units.push(sameUnit(path, label, m.namedParameters()));
      return;
    }
    if (m instanceof GCNConv) {
      units.push(sameUnit(path, `GCNConv ${m.inFeatures}→${m.outFeatures}`, m.namedParameters()));
      return;
    }
    if (m instanceof LSTM || m instanceof GRU || m instanceof RNN) {
      const problem = recurrentProblem(path, m);
      if (problem) problems.push(problem);
      else
        m.cells.forEach((cell, k) =>
          units.push(recurrentUnit(path, `${m.type} layer ${k} ${cell.inputSize}→${cell.hiddenSize}`, k, [[cell as StandardCell, '']])),
        );
      return;
    }
    if (m instanceof Bidirectional) {
      const f = m.forwardLayer;
      const b = m.backwardLayer;
      const problem = recurrentProblem(path, f);
      if (problem) problems.push(problem);
      else if (f.numLayers !== 1 || m.merge !== 'concat')
        problems.push(
          `layer '${path}' (Bidirectional, ${f.numLayers} layers per direction, merge '${m.merge}') has no nn.${f.type} equivalent: torch stacks bidirectional layers on the concatenated outputs; build it as one Bidirectional (numLayers 1, merge 'concat') per layer`,
        );
      else
        units.push(
          recurrentUnit(path, `Bidirectional ${f.type} ${f.inputSize}→2×${f.hiddenSize}`, 0, [
            [f.cells[0] as StandardCell, ''],
            [b.cells[0] as StandardCell, '_reverse'],
          ]),
        );
      return;
    }
    const own = m.namedParameters().filter(([name]) => !name.includes('.'));
    if (own.length > 0) {
      problems.push(
        `layer '${path || '(the model)'}' of type ${m.type} has parameters (${own.map(([n]) => n).join(', ')}) and no known torch equivalent`,
      );
      return;
    }
    for (const [name, child] of m.children()) walk(child, at(name));
  };
  walk(model, '');
  return { units, problems };
}
