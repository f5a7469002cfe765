/**
 * summary(model, inputShape): Keras' model.summary. The model runs once on zeros of
 * [1, ...inputShape] (evaluation mode, no gradients) while every child module's forward is
 * observed, so the table lists the layers in call order with the output shape each produced
 * (batch shown as -1), their parameter counts (trainable and not) and, for image stacks, the
 * receptive field of one output unit, computed from the layers' own kernel, stride and
 * dilation (layers that expose `receptiveWindow()`: convolutions and pools). Layers that act
 * pointwise keep the field; anything that mixes all positions (Flatten, Dense) ends it.
 */
import { type Tensor, ValueError, isTensor, noGrad, tidy, zeros } from '@lec/tensor';
import type { Module } from './module.js';

/** The sliding window of a convolution or pooling layer (rows, columns). */
export interface ReceptiveWindow {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  dilation?: readonly [number, number];
}

/** A layer that slides a window over an image (Conv2d, MaxPool2d, AvgPool2d). */
export interface HasReceptiveWindow {
  receptiveWindow(): ReceptiveWindow;
}

/** One row of a summary. */
export interface SummaryRow {
  /** Dotted path of the module ('0', 'encoder.1'). */
  name: string;
  type: string;
  /** The output shape with the batch axis as -1 (undefined when the output is not a tensor). */
  outputShape?: number[];
  /** Parameters of this module and its children. */
  params: number;
  trainable: number;
  /** Receptive field of one output unit in input pixels [rows, cols] (image stacks only). */
  receptiveField?: [number, number];
}

/** What `summary` returns: the rows, totals, and the table as text (`String(s)`). */
export interface ModelSummary {
  type: string;
  rows: SummaryRow[];
  outputShape?: number[];
  params: number;
  trainable: number;
  nonTrainable: number;
  text: string;
  toString(): string;
}

function hasWindow(m: unknown): m is HasReceptiveWindow {
  return typeof (m as Partial<HasReceptiveWindow>)?.receptiveWindow === 'function';
}

function counts(m: Module<any, any>): { params: number; trainable: number } {
  let params = 0;
  let trainable = 0;
  for (const [, v] of m.namedParameters()) {
    params += v.value.size;
    if (v.trainable) trainable += v.value.size;
  }
  return { params, trainable };
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const shapeText = (s?: readonly number[]) => (s ? `[${s.map((d, i) => (i === 0 ? '-1' : String(d))).join(', ')}]` : '-');

/**
 * A table of the model's layers (depth 1 by default: the model's direct children, in call
 * order), their output shapes, parameter counts and receptive fields, for input samples of
 * `inputShape` (without the batch axis).
 * @example
 * ```ts
 * const model = new Sequential([new Dense(4, 8, { seed: 0 }), new ReLU(), new Dense(8, 2, { seed: 1 })]);
 * const s = summary(model, [4]);
 * s.rows.map((r) => [r.type, r.outputShape, r.params]); // [['Dense', [-1, 8], 40], ['ReLU', [-1, 8], 0], ['Dense', [-1, 2], 18]]
 * s.params; // 58
 * ```
 */
export function summary(model: Module<Tensor, unknown>, inputShape: readonly number[], options: { depth?: number } = {}): ModelSummary {
  const op = 'summary';
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isSafeInteger(d) && d > 0))
    throw new ValueError(
      op,
      `argument 'inputShape' expected positive integers (one sample, without the batch axis), got ${JSON.stringify(inputShape)}`,
    );
  const depth = options.depth ?? 1;
  if (!Number.isSafeInteger(depth) || depth < 1) throw new ValueError(op, `option 'depth' expected an integer >= 1, got ${depth}`);
  // observe every module down to `depth` by shadowing its forward on the instance
  const observed: [string, Module<any, any>][] = [];
  const walk = (m: Module<any, any>, prefix: string, level: number) => {
    for (const [name, child] of m.children()) {
      const path = prefix ? `${prefix}.${name}` : name;
      observed.push([path, child]);
      if (level < depth) walk(child, path, level + 1);
    }
  };
  walk(model, '', 1);
  const calls: { name: string; module: Module<any, any>; input: unknown; output: unknown }[] = [];
  const originals = observed.map(([name, m]) => {
    const own = Object.hasOwn(m, 'forward');
    const forward = m.forward;
    (m as { forward: (x: unknown) => unknown }).forward = function (this: unknown, x: unknown) {
      const out = forward.call(m, x);
      calls.push({ name, module: m, input: isTensor(x) ? x.shape : undefined, output: isTensor(out) ? out.shape : undefined });
      return out;
    };
    return { m, own, forward };
  });
  const wasTraining = model.training;
  let finalShape: number[] | undefined;
  try {
    model.train(false);
    noGrad(() =>
      tidy(() => {
        const out = model.forward(zeros([1, ...inputShape]));
        if (isTensor(out)) finalShape = [...out.shape];
      }),
    );
  } finally {
    model.train(wasTraining);
    for (const { m, own, forward } of originals) {
      if (own) (m as { forward: unknown }).forward = forward;
      else delete (m as { forward?: unknown }).forward;
    }
  }
  // receptive field along the calls of the top-level children, in order
  let field: [number, number] | undefined = inputShape.length === 3 ? [1, 1] : undefined;
  let jump: [number, number] = [1, 1];
  const rows: SummaryRow[] = [];
  for (const call of calls) {
    const c = counts(call.module);
    const row: SummaryRow = { name: call.name, type: call.module.type, params: c.params, trainable: c.trainable };
    if (Array.isArray(call.output)) row.outputShape = [-1, ...(call.output as number[]).slice(1)];
    if (!call.name.includes('.') && field) {
      const inShape = call.input as number[] | undefined;
      const outShape = call.output as number[] | undefined;
      if (hasWindow(call.module)) {
        const w = call.module.receptiveWindow();
        const dilation = w.dilation ?? [1, 1];
        field = [0, 1].map((a) => field![a] + (w.kernel[a] - 1) * dilation[a] * jump[a]) as [number, number];
        jump = [jump[0] * w.stride[0], jump[1] * w.stride[1]];
      } else if (
        !(inShape && outShape && inShape.length === 4 && outShape.length === 4 && inShape[1] === outShape[1] && inShape[2] === outShape[2])
      ) {
        field = undefined; // mixes every position (Flatten, Dense, global pooling) or is unknown
      }
      if (field) row.receptiveField = [...field];
    }
    rows.push(row);
  }
  const total = counts(model as Module<any, any>);
  const header = ['Layer (type)', 'Output shape', 'Params', 'Receptive field'];
  const body = rows.map((r) => [
    `${'  '.repeat(r.name.split('.').length - 1)}${r.name} (${r.type})`,
    shapeText(r.outputShape),
    r.params === r.trainable ? fmtInt(r.params) : `${fmtInt(r.params)} (${fmtInt(r.params - r.trainable)} frozen)`,
    r.receptiveField ? `${r.receptiveField[0]}×${r.receptiveField[1]}` : '',
  ]);
  const showField = rows.some((r) => r.receptiveField);
  const columns = showField ? 4 : 3;
  const widths = Array.from({ length: columns }, (_, i) => Math.max(header[i].length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .slice(0, columns)
      .map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (columns - 1));
  const text = [
    `${model.type}: input ${shapeText([1, ...inputShape])} → output ${shapeText(finalShape)}`,
    rule,
    line(header),
    rule,
    ...body.map(line),
    rule,
    `Total params: ${fmtInt(total.params)}`,
    `Trainable params: ${fmtInt(total.trainable)}`,
    `Non-trainable params: ${fmtInt(total.params - total.trainable)}`,
  ].join('\n');
  return {
    type: model.type,
    rows,
    ...(finalShape ? { outputShape: [-1, ...finalShape.slice(1)] } : {}),
    params: total.params,
    trainable: total.trainable,
    nonTrainable: total.params - total.trainable,
    text,
    toString: () => text,
  };
}
