/**
 * PyTorch state_dicts both ways, through safetensors: what
 * `safetensors.torch.save_file(model.state_dict(), path)` writes and `load_file` reads.
 *
 * Matching. A safetensors file does not keep the state_dict's order (the writer sorts the
 * names), so modules are matched by what they hold: each lec layer (see `collectTorchUnits`)
 * expects torch parameters of known names and shapes; torch modules are the name prefixes
 * before the last dot (`features.0`, `lstm`; stacked recurrent modules split per layer
 * `_l{k}`). Layers and modules with the same names and shapes are paired in order (lec's
 * registration order, torch names in natural order: `fc2` before `fc10`). Any layer left
 * without a module, module left without a layer, or shape that differs is a problem; all of
 * them are reported in one `MismatchError` and nothing is written. `mapping` pins a lec layer
 * path to a torch module prefix when the automatic pairing cannot tell.
 */
import { type Module, type ReadSafetensorsOptions, readSafetensors, writeSafetensors } from '@lec/nn';
import { type Tensor, type TypedArray, type Variable, tensor, tidy } from '@lec/tensor';
import { MismatchError } from './errors.js';
import { type CollectOptions, type TorchUnit, collectTorchUnits } from './torch-units.js';

/** Where a lec layer's weights are in the torch file: a module prefix, and the layer of a stacked recurrent module. */
export type TorchTarget = string | { module: string; layer?: number };

/** Options of `fromTorchStateDict`. */
export interface FromTorchOptions extends CollectOptions, ReadSafetensorsOptions {
  /** lec layer path (`'3'`, `'0.forwardLayer'`; see `collectTorchUnits`) → torch module prefix (`'features.0'`). */
  mapping?: Record<string, TorchTarget>;
  /** Reject torch keys no lec layer uses (default true, as torch's `strict=True`). */
  strict?: boolean;
}

/** One torch module (or one layer `k` of a recurrent module): its parameters by relative name. */
interface TorchGroup {
  prefix: string;
  layer: number | null;
  params: Map<string, { key: string; shape: number[]; dtype: string; data: TypedArray }>;
}

const LAYER = /^(.*)_l(\d+)(_reverse)?$/;

function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = Number(pa[i]);
    const nb = Number(pb[i]);
    if (i % 2 === 1 && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

function groupTorch(tensors: Map<string, { dtype: string; shape: number[]; data: TypedArray }>): TorchGroup[] {
  const groups = new Map<string, TorchGroup>();
  for (const [key, entry] of tensors) {
    const dot = key.lastIndexOf('.');
    const prefix = dot < 0 ? '' : key.slice(0, dot);
    let name = key.slice(dot + 1);
    let layer: number | null = null;
    const m = LAYER.exec(name);
    if (m && /^(weight|bias)_(ih|hh)$/.test(m[1])) {
      layer = Number(m[2]);
      name = `${m[1]}_l{k}${m[3] ?? ''}`;
    }
    const id = `${prefix}\u0000${layer ?? ''}`;
    let g = groups.get(id);
    if (!g) {
      g = { prefix, layer, params: new Map() };
      groups.set(id, g);
    }
    g.params.set(name, { key, ...entry });
  }
  return [...groups.values()].sort((a, b) => naturalCompare(a.prefix, b.prefix) || (a.layer ?? 0) - (b.layer ?? 0));
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const keyOf = (prefix: string, name: string, layer: number | null) =>
  (prefix ? `${prefix}.` : '') + (layer === null ? name : name.replace('{k}', String(layer)));
const unitSignature = (u: TorchUnit) =>
  u.params
    .map((p) => `${p.name}:${p.shape.join('x')}`)
    .sort()
    .join(' ');
function groupSignature(g: TorchGroup, ignored: readonly string[]): string {
  return [...g.params.entries()]
    .filter(([name]) => !ignored.includes(name))
    .map(([name, p]) => `${name}:${p.shape.join('x')}`)
    .sort()
    .join(' ');
}
const IGNORABLE = ['num_batches_tracked'];
const describeUnit = (u: TorchUnit) =>
  `lec layer '${u.path || '(the model)'}' (${u.label}) expects ${u.params.map((p) => `${p.name.replace('{k}', String(u.layer ?? 0))} ${fmt(p.shape)}`).join(', ')}`;
const describeGroup = (g: TorchGroup) =>
  `torch module '${g.prefix || '(top level)'}'${g.layer !== null ? ` layer ${g.layer}` : ''} holds ${[...g.params.values()]
    .map((p) => `${p.key} ${fmt(p.shape)}`)
    .join(', ')}`;

/** The differences between what a unit expects and what a group holds, one line each. */
function compare(u: TorchUnit, g: TorchGroup): string[] {
  const out: string[] = [];
  const where = `lec layer '${u.path || '(the model)'}' (${u.label}) ↔ torch '${g.prefix || '(top level)'}'`;
  for (const p of u.params) {
    const have = g.params.get(p.name);
    const key = keyOf(g.prefix, p.name, g.layer);
    if (!have) out.push(`${where}: missing key '${key}' ${fmt(p.shape)}`);
    else if (have.shape.length !== p.shape.length || have.shape.some((d, i) => d !== p.shape[i]))
      out.push(`${where}: '${key}' has shape ${fmt(have.shape)}, expected ${fmt(p.shape)}`);
    else if (have.dtype === 'int32') out.push(`${where}: '${key}' is an integer tensor, expected floats`);
  }
  for (const [name, have] of g.params)
    if (!u.params.some((p) => p.name === name) && !u.ignored.includes(name)) out.push(`${where}: unexpected key '${have.key}'`);
  return out;
}

/**
 * Fills a lec model from a PyTorch state_dict saved with safetensors, converting names and
 * layouts (see the table in `torch-units.ts`): nn.Linear [out, in] → Dense [in, out],
 * OIHW → HWIO, LSTM/GRU gate blocks (both orders are torch's: i, f, g, o and r, z, n) and
 * the NCHW flatten order before the first Dense after a conv. All-or-nothing: every problem
 * (missing key, extra key, shape) is listed in one `MismatchError` and the model is left
 * unchanged.
 * @example
 * ```ts
 * const a = new Sequential([new Dense(3, 2, { seed: 1 })]);
 * const b = new Sequential([new Dense(3, 2, { seed: 2 })]);
 * fromTorchStateDict(b, toTorchStateDict(a));
 * b.forward(tensor([[1, 2, 3]])).toArray()[0][0] === a.forward(tensor([[1, 2, 3]])).toArray()[0][0]; // true
 * fromTorchStateDict(new Dense(4, 2), toTorchStateDict(a)); // throws MismatchError
 * ```
 */
export function fromTorchStateDict(model: Module<any, any>, bytes: Uint8Array, options: FromTorchOptions = {}): void {
  const op = 'fromTorchStateDict';
  const file = readSafetensors(bytes, options);
  const { units, problems } = collectTorchUnits(model, options);
  const groups = groupTorch(file.tensors);
  const used = new Set<TorchGroup>();
  const pairs: [TorchUnit, TorchGroup][] = [];
  const mapping = options.mapping ?? {};
  const free: TorchUnit[] = [];
  const mappedPaths = new Set<string>();
  for (const u of units) {
    if (!Object.hasOwn(mapping, u.path)) {
      free.push(u);
      continue;
    }
    mappedPaths.add(u.path);
    const target = mapping[u.path];
    const prefix = typeof target === 'string' ? target : target.module;
    const base = typeof target === 'string' ? 0 : (target.layer ?? 0);
    const layer = u.layer === null ? null : base + u.layer;
    const g = groups.find((x) => x.prefix === prefix && x.layer === layer && !used.has(x));
    if (!g) {
      problems.push(
        `${describeUnit(u)}, but the mapping names torch module '${prefix}'${layer !== null ? ` layer ${layer}` : ''}, which is not in the file`,
      );
      continue;
    }
    used.add(g);
    pairs.push([u, g]);
  }
  for (const path of Object.keys(mapping))
    if (!mappedPaths.has(path))
      problems.push(
        `the mapping names lec layer '${path}', which the model does not have (layers: ${units.map((u) => `'${u.path}'`).join(', ')})`,
      );
  // automatic pairing: same parameter names and shapes, in order
  const leftover: TorchUnit[] = [];
  for (const u of free) {
    const signature = unitSignature(u);
    const g = groups.find((x) => !used.has(x) && groupSignature(x, u.ignored) === signature);
    if (g) {
      used.add(g);
      pairs.push([u, g]);
    } else leftover.push(u);
  }
  // report what is left: a leftover layer next to the first leftover module with the same parameter names, with the differences
  const names = (u: TorchUnit) =>
    u.params
      .map((p) => p.name)
      .sort()
      .join(' ');
  const groupNames = (g: TorchGroup, ignored: readonly string[]) =>
    [...g.params.keys()]
      .filter((n) => !ignored.includes(n))
      .sort()
      .join(' ');
  const unusedGroups = groups.filter((g) => !used.has(g));
  const claimed = new Set<TorchGroup>();
  for (const u of leftover) {
    const g = unusedGroups.find((x) => !claimed.has(x) && groupNames(x, u.ignored) === names(u));
    if (g) {
      claimed.add(g);
      problems.push(...compare(u, g));
    } else problems.push(`${describeUnit(u)}: no torch module left in the file holds them`);
  }
  if (options.strict ?? true)
    for (const g of unusedGroups)
      if (!claimed.has(g) && ![...g.params.keys()].every((n) => IGNORABLE.includes(n)))
        problems.push(`${describeGroup(g)}: no lec layer takes it (unexpected keys)`);
  for (const [u, g] of pairs) problems.push(...compare(u, g));
  if (problems.length > 0) throw new MismatchError(op, problems);
  // everything matched: convert all values, then assign all
  const plan: [Variable, Float32Array][] = [];
  for (const [u, g] of pairs) plan.push(...u.read((name) => g.params.get(name)!.data));
  tidy(() => {
    const values: Tensor[] = plan.map(([v, data]) => tensor(data, [...v.shape], { dtype: v.value.dtype, backend: v.value.backend }));
    plan.forEach(([v], i) => v.assign(values[i]));
  });
}

/**
 * The model's weights as a PyTorch state_dict in safetensors (names `<lec path>.<torch name>`,
 * torch layouts), loadable with `model.load_state_dict(load_file(path), strict=True)` into the
 * module `torchModuleSource(model)` describes. BatchNorm layers get `num_batches_tracked` = 0;
 * an LSTM's single bias goes to `bias_ih` with `bias_hh` zero.
 * @example
 * ```ts
 * const bytes = toTorchStateDict(new Sequential([new Dense(3, 2, { seed: 0 })]));
 * readSafetensors(bytes).tensors.get('0.weight')!.shape; // [2, 3]
 * ```
 */
export function toTorchStateDict(model: Module<any, any>, options: CollectOptions = {}): Uint8Array {
  const { units, problems } = collectTorchUnits(model, options);
  if (problems.length > 0) throw new MismatchError('toTorchStateDict', problems);
  return tidy(() => {
    const entries: [string, Tensor][] = [];
    for (const u of units) {
      for (const [name, data, shape] of u.write()) entries.push([keyOf(u.path, name, u.layer), tensor(data, shape)]);
      if (u.ignored.includes('num_batches_tracked'))
        entries.push([keyOf(u.path, 'num_batches_tracked', null), tensor([0], [], { dtype: 'int32' })]);
    }
    return writeSafetensors(entries, { format: 'pt' });
  });
}
