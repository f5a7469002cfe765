/**
 * Fuzzing the readers with mutated files (seeded, reproducible): safetensors state_dicts for
 * fromTorchStateDict, model.json texts and weight shards for fromTfjsLayers. Every input either
 * loads or throws a typed lec error (a LecError subclass: FormatError, MismatchError,
 * UnsupportedLayerError, ...); a fromTorchStateDict that throws leaves the model exactly as it
 * was. The counts are printed.
 */
import { type JsonValue, Sequential } from '@lec/nn';
import { Dense, ReLU } from '@lec/nn';
import { LecError, Rng, jsBackend, setBackend } from '@lec/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromTfjsLayers, fromTorchStateDict, toTfjsLayers } from '../src/index.js';
import { fixtureBytes } from './helpers.js';
import { lecModels } from './models.js';

beforeAll(() => setBackend(jsBackend()));

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng.uniform(1)[0] * items.length)];
const int = (rng: Rng, n: number) => Math.floor(rng.uniform(1)[0] * n);

/** One mutation of a safetensors file: at the byte level or in its JSON header. */
function mutateSafetensors(bytes: Uint8Array, rng: Rng): Uint8Array {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const kind = int(rng, 7);
  if (kind === 0) return bytes.slice(0, int(rng, bytes.length)); // truncated
  if (kind === 1) {
    const out = bytes.slice();
    for (let i = 0, n = 1 + int(rng, 8); i < n; i++) out[int(rng, Math.min(out.length, 8 + headerLength))] = int(rng, 256); // header bytes
    return out;
  }
  if (kind === 2) {
    const out = bytes.slice();
    new DataView(out.buffer).setUint32(
      pick(rng, [0, 4]),
      pick(rng, [0, 1, headerLength - 1, headerLength + 8, 2 ** 31, 2 ** 32 - 1]),
      true,
    );
    return out;
  }
  if (kind === 3) {
    const extra = new Uint8Array(1 + int(rng, 64)).map(() => int(rng, 256));
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes);
    out.set(extra, bytes.length);
    return out; // trailing bytes
  }
  // JSON-level: change one value of the header and re-encode it
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, Record<string, JsonValue>>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = pick(rng, names);
  const entry = header[name];
  const field = pick(rng, ['shape', 'data_offsets', 'dtype', 'name', 'extra']);
  const weird: JsonValue[] = [-1, 0, 1.5, 2 ** 53, 1e300, 'F32', 'I64', 'F16', 'U8', null, [], [2 ** 40, 2 ** 40], {}, '__proto__'];
  if (field === 'shape' && Array.isArray(entry.shape)) {
    const shape = [...entry.shape];
    if (shape.length && rng.uniform(1)[0] < 0.5) shape[int(rng, shape.length)] = pick(rng, weird);
    else shape.reverse();
    entry.shape = shape;
  } else if (field === 'data_offsets' && Array.isArray(entry.data_offsets)) {
    entry.data_offsets = [...entry.data_offsets].map((v) =>
      rng.uniform(1)[0] < 0.5 ? pick(rng, weird) : (v as number) + pick(rng, [-4, 4, 1]),
    );
  } else if (field === 'dtype') entry.dtype = pick(rng, weird);
  else if (field === 'name') {
    header[`${name}${pick(rng, ['x', '.0', '_reverse'])}`] = entry;
    delete header[name];
  } else (entry as Record<string, JsonValue>)[pick(rng, ['extra', '__proto__', 'constructor'])] = 1;
  let text = JSON.stringify(header);
  if (kind === 6) text = text.replace('{', '{"__proto__": {"polluted": 1},');
  const json = new TextEncoder().encode(text);
  const data = bytes.subarray(8 + headerLength);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** One mutation of a JSON tree: a random node replaced, removed or duplicated. */
function mutateJson(value: JsonValue, rng: Rng): JsonValue {
  const weird: JsonValue[] = [
    null,
    -1,
    0,
    1.5,
    2 ** 31,
    1e300,
    '',
    'same',
    'hard_sigmoid',
    'Conv3D',
    true,
    [],
    {},
    [1, 2, 3],
    { class_name: 'Dense', config: {} },
  ];
  const copy = JSON.parse(JSON.stringify(value)) as JsonValue;
  // collect every container and key
  const slots: [JsonValue[] | Record<string, JsonValue>, string | number][] = [];
  const walk = (v: JsonValue) => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push([v, i]), walk(x)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) slots.push([v, k]), walk(v[k]);
  };
  walk(copy);
  const [parent, key] = pick(rng, slots);
  const action = int(rng, 4);
  if (action === 0 && !Array.isArray(parent)) delete parent[key as string];
  else if (action === 1 && Array.isArray(parent)) parent.splice(key as number, 1);
  else if (action === 2 && Array.isArray(parent)) parent.push(parent[key as number]);
  else (parent as Record<string | number, JsonValue>)[key] = pick(rng, weird);
  return copy;
}

describe('fuzzing the readers', () => {
  it('fromTorchStateDict: 1,500 mutated safetensors files, typed errors only, the model unchanged after each', () => {
    const rng = new Rng(2026);
    const sources = (['mlp', 'gru', 'bilstm', 'gcn'] as const).map((name) => ({ name, bytes: fixtureBytes(`${name}.safetensors`) }));
    const counts = { inputs: 0, loaded: 0, typedErrors: 0 };
    const messages = new Map<string, number>();
    for (let i = 0; i < 1500; i++) {
      const source = sources[i % sources.length];
      const model = lecModels[source.name]();
      const before = model.parameters().map((v) => v.value.dataSync().slice());
      const bytes = mutateSafetensors(source.bytes, rng);
      counts.inputs++;
      try {
        fromTorchStateDict(model, bytes);
        counts.loaded++;
      } catch (e) {
        if (!(e instanceof LecError)) throw new Error(`input ${i} (${source.name}) threw a non-lec error: ${String(e)}`);
        counts.typedErrors++;
        const kind = `${e.constructor.name}: ${e.message.split(':').slice(1, 2).join('').trim().slice(0, 30)}`;
        messages.set(kind, (messages.get(kind) ?? 0) + 1);
        const after = model.parameters().map((v) => v.value.dataSync());
        after.forEach((a, k) => expect(Array.from(a)).toEqual(Array.from(before[k])));
      }
    }
    console.log(`fuzz fromTorchStateDict: ${JSON.stringify(counts)}`);
    expect(counts.typedErrors).toBeGreaterThan(1000);
    expect(counts.inputs).toBe(1500);
  });

  it('fromTfjsLayers: 1,000 mutated model.json files and 500 mutated shards, typed errors only', async () => {
    const rng = new Rng(22);
    const { lenet5 } = await import('@lec/cnn');
    const sources = [
      toTfjsLayers(lenet5({ seed: 0 }), { inputShape: [28, 28, 1] }),
      toTfjsLayers(lecModels.bilstm(), { inputShape: [7] }),
      toTfjsLayers(lecModels.mlp(), { inputShape: [20] }),
      toTfjsLayers(new Sequential([new Dense(3, 4, { seed: 0 }), new ReLU()]), { inputShape: [3] }),
    ];
    const counts = { jsonInputs: 0, shardInputs: 0, loaded: 0, typedErrors: 0 };
    for (let i = 0; i < 1500; i++) {
      const source = sources[i % sources.length];
      let files: { modelJson: string; weightData: Uint8Array | Uint8Array[] };
      if (i < 1000) {
        counts.jsonInputs++;
        const text = JSON.stringify(i % 5 === 4 ? source.modelJson : mutateJson(source.modelJson, rng));
        // one in five: a text-level mutation (truncated JSON or a flipped character)
        const mutated =
          i % 5 === 4
            ? rng.uniform(1)[0] < 0.5
              ? text.slice(0, int(rng, text.length))
              : text.replace(text[int(rng, text.length)], pick(rng, ['"', '{', ']', '9', '-']))
            : text;
        files = { modelJson: mutated, weightData: source.weightData };
      } else {
        counts.shardInputs++;
        const w = source.weightData;
        const kind = int(rng, 4);
        const cut = int(rng, w.length);
        const weightData =
          kind === 0
            ? w.slice(0, cut)
            : kind === 1
              ? new Uint8Array([...w, ...new Uint8Array(1 + int(rng, 16))])
              : kind === 2
                ? [w.slice(0, cut), w.slice(cut), new Uint8Array(4)]
                : [w.slice(0, cut), w.slice(cut)];
        files = { modelJson: JSON.stringify(source.modelJson), weightData };
      }
      try {
        fromTfjsLayers(files);
        counts.loaded++;
      } catch (e) {
        if (!(e instanceof LecError)) throw new Error(`input ${i} threw a non-lec error: ${e instanceof Error ? e.stack : String(e)}`);
        counts.typedErrors++;
        if (process.env.FUZZ_VERBOSE) console.log(i, e.message.slice(0, 140));
      }
    }
    console.log(`fuzz fromTfjsLayers: ${JSON.stringify(counts)}`);
    expect(counts.jsonInputs + counts.shardInputs).toBe(1500);
    expect(counts.typedErrors).toBeGreaterThan(500);
  });
});
