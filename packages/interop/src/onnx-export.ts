/**
 * ONNX export of inference graphs: `toOnnx(model, { inputShape })` for Sequential models.
 *
 * Layouts. The exported graph takes and returns lec's layouts: images NHWC, sequences
 * [batch, time, features]; the batch dimension is free ('batch'), the rest fixed by
 * `inputShape`. ONNX convolutions and pools are NCHW, so the exporter converts the weights
 * (HWIO → OIHW) and puts one Transpose (NHWC → NCHW) before the first conv of a run of
 * conv/pool layers and one back (NCHW → NHWC) where the run ends (before a Flatten, a Dense, a
 * normalisation, or the output). Flatten therefore sees NHWC, exactly as in lec, and the
 * Dense weights after it stay as they are. onnxruntime fuses or folds these Transposes.
 *
 *   Dense → MatMul + Add          Conv2d → Conv (pads computed as lec's 'same' / 'valid' / explicit)
 *   Conv2dTranspose → ConvTranspose   MaxPool2d / AvgPool2d → MaxPool / AveragePool, GlobalAvgPool → GlobalAveragePool
 *   BatchNorm → (x − mean) / sqrt(var + eps) · γ + β (lec's own order of operations)
 *   LayerNorm → LayerNormalization (opset ≥ 17)      Embedding → Gather (int32 ids)
 *   LSTM / GRU / RNN, Bidirectional → ONNX LSTM / GRU / RNN (time-major, between Transposes):
 *     gate blocks reordered from lec's i, f, g, o to ONNX's i, o, f, c and from r, z, n to z, r, h;
 *     GRU linear_before_reset = 1 for lec's reset-after form; stacked layers become one node each.
 *   ReLU, Tanh, Sigmoid, LeakyReLU, ELU, Softmax → the ONNX ops; Dropout → nothing (inference).
 */
import {
  BatchNorm1d,
  BatchNorm2d,
  Dense,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  LayerNorm,
  LeakyReLU,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@lec/nn';
import { AvgPool2d, Conv2d, Conv2dTranspose, GlobalAvgPool, MaxPool2d } from '@lec/cnn';
import { Bidirectional, GRU, GRUCell, LSTM, LSTMCell, RNN, type RNNCell, type Recurrent } from '@lec/rnn';
import { type Padding, type Tensor, type TypedArray, ValueError, noGrad, zeros } from '@lec/tensor';
import { UnsupportedLayerError } from './errors.js';
import { permute } from './layout.js';
import { type OnnxAttribute, type OnnxElementType, type OnnxModelSpec, onnxModel } from './onnx-graph.js';

/** Options of `toOnnx`. */
export interface ToOnnxOptions {
  /** The shape of one input without the batch: [h, w, c] for images (NHWC), [time, features] for sequences, [features], or [time] of int32 ids for an Embedding first. */
  inputShape: readonly number[];
  /** ONNX opset (13 to 21; default 17). LayerNorm needs 17 or more. */
  opset?: number;
  /** Graph input name (default 'input'). */
  inputName?: string;
  /** Graph output name (default 'output'). */
  outputName?: string;
}

const OP = 'toOnnx';

type Layout = 'lec' | 'nchw';

class GraphWriter {
  readonly nodes: OnnxModelSpec['nodes'] = [];
  readonly initializers: NonNullable<OnnxModelSpec['initializers']>[number][] = [];
  #count = 0;
  constructor(readonly opset: number) {}

  fresh(base: string): string {
    return `${base}_${this.#count++}`;
  }
  constant(base: string, dims: readonly number[], data: ArrayLike<number>, type: OnnxElementType = 'float32'): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, data, type });
    return name;
  }
  node(op: string, inputs: readonly string[], attributes?: Record<string, OnnxAttribute>, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({ op, inputs, outputs: names, attributes });
    return names;
  }
  one(op: string, inputs: readonly string[], attributes?: Record<string, OnnxAttribute>): string {
    return this.node(op, inputs, attributes)[0];
  }
}

const values = (t: Tensor): TypedArray => t.dataSync();

/** ONNX pads [top, left, bottom, right] for lec's padding on an input of spatial size [h, w]. */
function pads(
  padding: Padding,
  size: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding === 'same') {
    const before: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < 2; i++) {
      const out = Math.ceil(size[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size[i]);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
    }
    return [before[0], before[1], after[0], after[1]];
  }
  return [padding[0][0], padding[1][0], padding[0][1], padding[1][1]];
}

/**
 * A gate-blocked lec matrix [rows, G·H] (blocks in lec's order) as ONNX's [G·H, rows] with the
 * blocks in `order` (lec block indices, in ONNX's order).
 */
function gateMatrix(data: TypedArray, rows: number, hidden: number, order: readonly number[]): Float32Array {
  const g = order.length;
  const out = new Float32Array(g * hidden * rows);
  order.forEach((lecBlock, onnxBlock) => {
    for (let h = 0; h < hidden; h++)
      for (let r = 0; r < rows; r++) out[(onnxBlock * hidden + h) * rows + r] = data[r * g * hidden + lecBlock * hidden + h];
  });
  return out;
}
function gateVector(data: TypedArray, hidden: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * hidden);
  order.forEach((lecBlock, onnxBlock) => out.set(data.subarray(lecBlock * hidden, (lecBlock + 1) * hidden), onnxBlock * hidden));
  return out;
}

/** W, R, B of one direction of one recurrent layer, in ONNX order. */
function cellWeights(cell: LSTMCell | GRUCell | RNNCell): { w: Float32Array; r: Float32Array; b: Float32Array; gates: number } {
  const H = cell.hiddenSize;
  const order = cell instanceof LSTMCell ? [0, 3, 1, 2] : cell instanceof GRUCell ? [1, 0, 2] : [0];
  const w = gateMatrix(values(cell.weightIh.value), cell.inputSize, H, order);
  const r = gateMatrix(values(cell.weightHh.value), H, H, order);
  const b = new Float32Array(2 * order.length * H);
  if (cell instanceof GRUCell) {
    b.set(gateVector(values(cell.biasIh.value), H, order), 0);
    b.set(gateVector(values(cell.biasHh.value), H, order), order.length * H);
  } else {
    b.set(gateVector(values(cell.bias.value), H, order), 0);
  }
  return { w, r, b, gates: order.length };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Emits one recurrent layer (time-major in, time-major sequence and final h out). */
function recurrentNode(
  g: GraphWriter,
  x: string,
  cells: (LSTMCell | GRUCell | RNNCell)[],
  bidirectional: boolean,
): { y: string; h: string } {
  const cell = cells[0];
  const H = cell.hiddenSize;
  const parts = cells.map(cellWeights);
  const G = parts[0].gates;
  const D = cells.length;
  const w = g.constant('W', [D, G * H, cell.inputSize], concat(parts.map((p) => p.w)));
  const r = g.constant('R', [D, G * H, H], concat(parts.map((p) => p.r)));
  const b = g.constant('B', [D, 2 * G * H], concat(parts.map((p) => p.b)));
  const attributes: Record<string, OnnxAttribute> = { hidden_size: H, direction: bidirectional ? 'bidirectional' : 'forward' };
  let op = 'RNN';
  if (cell instanceof LSTMCell) op = 'LSTM';
  else if (cell instanceof GRUCell) {
    op = 'GRU';
    attributes.linear_before_reset = cell.resetAfter ? 1 : 0;
  } else {
    const act = (cell as RNNCell).activation === 'relu' ? 'Relu' : 'Tanh';
    attributes.activations = { strings: bidirectional ? [act, act] : [act] };
  }
  const [y, h] = g.node(op, [x, w, r, b], attributes, 2);
  return { y, h };
}

/**
 * Exports a lec Sequential as an ONNX model (ModelProto bytes) for onnxruntime (node, web,
 * server): inference only (Dropout removed, BatchNorm with its running statistics). The graph
 * input and output use lec's layouts (NHWC images); see the file comment for the mapping.
 * @example
 * ```ts
 * const bytes = toOnnx(new Sequential([new Dense(4, 3, { seed: 0 }), new ReLU()]), { inputShape: [4] });
 * readOnnxModel(bytes).graph.node.map((n) => n.opType); // ['MatMul', 'Add', 'Relu']
 * toOnnx(new Sequential([new Dense(4, 3)]), { inputShape: [5] }); // throws ShapeError
 * ```
 */
export function toOnnx(model: Module<any, any>, options: ToOnnxOptions): Uint8Array {
  const opset = options.opset ?? 17;
  if (!Number.isSafeInteger(opset) || opset < 13 || opset > 21)
    throw new ValueError(OP, `option 'opset' must be an integer from 13 to 21, got ${opset}`);
  const inputShape = [...options.inputShape];
  if (inputShape.length === 0 || !inputShape.every((d) => Number.isSafeInteger(d) && d >= 1))
    throw new ValueError(
      OP,
      `option 'inputShape' must list positive integers (one input without the batch), got ${JSON.stringify(options.inputShape)}`,
    );
  const layers = flattenSequential(model);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => exportLayers(layers, inputShape, opset, options));
  } finally {
    model.train(wasTraining);
  }
}

function flattenSequential(model: Module<any, any>): Module<any, any>[] {
  if (!(model instanceof Sequential)) throw new UnsupportedLayerError(OP, `expected a Sequential model, got ${model.type}`);
  return model.layers.flatMap((l) => (l instanceof Sequential ? flattenSequential(l) : [l]));
}

function exportLayers(layers: Module<any, any>[], inputShape: number[], opset: number, options: ToOnnxOptions): Uint8Array {
  const g = new GraphWriter(opset);
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const idsInput = layers[0] instanceof Embedding;
  let current = inputName;
  let layout: Layout = 'lec';
  // the lec value of one example, pushed through the layers to know every shape
  let probe: Tensor = zeros([1, ...inputShape], { dtype: idsInput ? 'int32' : 'float32' });
  const toNchw = () => {
    if (layout === 'lec') {
      current = g.one('Transpose', [current], { perm: [0, 3, 1, 2] });
      layout = 'nchw';
    }
  };
  const toLec = () => {
    if (layout === 'nchw') {
      current = g.one('Transpose', [current], { perm: [0, 2, 3, 1] });
      layout = 'lec';
    }
  };
  const checkImage = (m: Module<any, any>, path: string, input: Tensor) => {
    if (input.rank !== 4)
      throw new UnsupportedLayerError(OP, `layer '${path}' (${m.type}) expects NHWC images, got shape [${input.shape.join(', ')}]`);
  };
  layers.forEach((m, index) => {
    const path = String(index);
    const input = probe;
    probe = m.forward(probe); // also checks the shapes, as lec would
    if (m instanceof Dense) {
      toLec();
      current = g.one('MatMul', [current, g.constant('W', m.weight.shape, values(m.weight.value))]);
      if (m.bias) current = g.one('Add', [current, g.constant('b', m.bias.shape, values(m.bias.value))]);
    } else if (m instanceof Conv2d) {
      checkImage(m, path, input);
      toNchw();
      const c = m.config() as { strides: number[]; dilations: number[]; padding: Padding };
      const [kh, kw, ci, co] = m.weight.shape;
      const inputs = [current, g.constant('W', [co, ci, kh, kw], permute(values(m.weight.value), m.weight.shape, [3, 2, 0, 1]))];
      if (m.bias) inputs.push(g.constant('b', [co], values(m.bias.value)));
      current = g.one('Conv', inputs, {
        kernel_shape: [kh, kw],
        strides: c.strides,
        dilations: c.dilations,
        group: m.groups,
        pads: pads(c.padding, input.shape.slice(1, 3), [kh, kw], c.strides, c.dilations),
      });
    } else if (m instanceof Conv2dTranspose) {
      checkImage(m, path, input);
      toNchw();
      const [kh, kw, co, ci] = m.weight.shape;
      let p = [0, 0, 0, 0];
      if (m.padding === 'same') {
        const total = [kh - m.strides[0], kw - m.strides[1]];
        if (total.some((t) => t < 0))
          throw new UnsupportedLayerError(
            OP,
            `layer '${path}' (Conv2dTranspose, padding 'same', kernel smaller than the stride) has no ONNX pads`,
          );
        p = [Math.floor(total[0] / 2), Math.floor(total[1] / 2), total[0] - Math.floor(total[0] / 2), total[1] - Math.floor(total[1] / 2)];
      }
      const inputs = [current, g.constant('W', [ci, co, kh, kw], permute(values(m.weight.value), m.weight.shape, [3, 2, 0, 1]))];
      if (m.bias) inputs.push(g.constant('b', [co], values(m.bias.value)));
      current = g.one('ConvTranspose', inputs, { kernel_shape: [kh, kw], strides: [...m.strides], pads: p });
    } else if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
      checkImage(m, path, input);
      toNchw();
      const attributes: Record<string, OnnxAttribute> = {
        kernel_shape: [...m.windowSize],
        strides: [...m.strides],
        pads: pads(m.padding, input.shape.slice(1, 3), m.windowSize, m.strides, [1, 1]),
      };
      if (m instanceof AvgPool2d) attributes.count_include_pad = 0;
      current = g.one(m instanceof MaxPool2d ? 'MaxPool' : 'AveragePool', [current], attributes);
    } else if (m instanceof GlobalAvgPool) {
      checkImage(m, path, input);
      toNchw();
      current = g.one('Flatten', [g.one('GlobalAveragePool', [current])], { axis: 1 });
      layout = 'lec';
    } else if (m instanceof Flatten) {
      toLec();
      current = g.one('Flatten', [current], { axis: 1 });
    } else if (m instanceof ReLU || m instanceof Tanh || m instanceof Sigmoid) {
      current = g.one(m.type === 'ReLU' ? 'Relu' : m.type, [current]);
    } else if (m instanceof LeakyReLU) {
      current = g.one('LeakyRelu', [current], { alpha: { float: m.alpha } });
    } else if (m instanceof ELU) {
      current = g.one('Elu', [current], { alpha: { float: m.alpha } });
    } else if (m instanceof Softmax) {
      toLec();
      current = g.one('Softmax', [current], { axis: m.axis });
    } else if (m instanceof Dropout) {
      // inference: identity
    } else if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      toLec();
      const n = [m.numFeatures];
      const variance = g.constant('running_var', n, values(m.runningVar.value));
      const eps = g.constant('eps', [], [m.eps]);
      current = g.one('Sub', [current, g.constant('running_mean', n, values(m.runningMean.value))]);
      current = g.one('Div', [current, g.one('Sqrt', [g.one('Add', [variance, eps])])]);
      if (m.weight) current = g.one('Mul', [current, g.constant('gamma', n, values(m.weight.value))]);
      if (m.bias) current = g.one('Add', [current, g.constant('beta', n, values(m.bias.value))]);
    } else if (m instanceof LayerNorm) {
      if (opset < 17)
        throw new UnsupportedLayerError(OP, `layer '${path}' (LayerNorm) needs opset 17 or more (LayerNormalization), got ${opset}`);
      toLec();
      const shape = m.normalizedShape;
      const size = shape.reduce((a, b) => a * b, 1);
      const scale = m.weight ? values(m.weight.value) : new Float32Array(size).fill(1);
      const bias = m.bias ? values(m.bias.value) : new Float32Array(size);
      current = g.one('LayerNormalization', [current, g.constant('scale', shape, scale), g.constant('bias', shape, bias)], {
        axis: -shape.length,
        epsilon: { float: m.eps },
      });
    } else if (m instanceof Embedding) {
      if (index !== 0)
        throw new UnsupportedLayerError(OP, `layer '${path}' (Embedding) must be the first layer (it takes the int32 ids input)`);
      current = g.one('Gather', [g.constant('embedding', m.weight.shape, values(m.weight.value)), current], { axis: 0 });
    } else if (m instanceof LSTM || m instanceof GRU || m instanceof RNN) {
      toLec();
      let x = g.one('Transpose', [current], { perm: [1, 0, 2] });
      let h = '';
      for (const cell of m.cells) {
        const out = recurrentNode(g, x, [cell as LSTMCell], false);
        x = g.one('Squeeze', [out.y, g.constant('axes', [1], [1], 'int64')]);
        h = out.h;
      }
      current = m.returnSequences
        ? g.one('Transpose', [x], { perm: [1, 0, 2] })
        : g.one('Squeeze', [h, g.constant('axes', [1], [0], 'int64')]);
    } else if (m instanceof Bidirectional) {
      const f: Recurrent = m.forwardLayer;
      if (f.numLayers !== 1 || m.merge !== 'concat')
        throw new UnsupportedLayerError(
          OP,
          `layer '${path}' (Bidirectional with ${f.numLayers} layers per direction, merge '${m.merge}'): export one Bidirectional (numLayers 1, merge 'concat') per layer`,
        );
      toLec();
      const x = g.one('Transpose', [current], { perm: [1, 0, 2] });
      const out = recurrentNode(g, x, [f.cells[0] as LSTMCell, m.backwardLayer.cells[0] as LSTMCell], true);
      current = m.returnSequences
        ? g.one('Reshape', [g.one('Transpose', [out.y], { perm: [2, 0, 1, 3] }), g.constant('shape', [3], [0, 0, -1], 'int64')])
        : g.one('Reshape', [g.one('Transpose', [out.h], { perm: [1, 0, 2] }), g.constant('shape', [2], [0, -1], 'int64')]);
    } else {
      throw new UnsupportedLayerError(OP, `layer '${path}' of type ${m.type} has no ONNX export here`);
    }
  });
  toLec();
  // the last node's output becomes the graph output (an Identity when no node ran, e.g. only Dropout)
  const last = g.nodes.find((n) => n.outputs.includes(current));
  if (last) (last as { outputs: readonly string[] }).outputs = last.outputs.map((o) => (o === current ? outputName : o));
  else g.nodes.push({ op: 'Identity', inputs: [current], outputs: [outputName] });
  return onnxModel({
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: inputName, type: idsInput ? 'int32' : 'float32', shape: ['batch', ...inputShape] }],
    outputs: [{ name: outputName, shape: ['batch', ...probe.shape.slice(1)] }],
    opset,
    graphName: 'lec-sequential',
  });
}
