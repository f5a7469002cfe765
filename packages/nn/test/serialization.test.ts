import { type Tensor, LecError, Rng, randn, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Dense,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  FormatError,
  LayerNorm,
  LeakyReLU,
  type Module,
  Perceptron,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  coreLayers,
  loadModel,
  loadWeights,
  readSafetensors,
  saveModel,
  saveWeights,
  writeSafetensors,
} from '../src/index.js';

function trainedBatchNorm<T extends BatchNorm1d | BatchNorm2d>(bn: T, shape: number[]): T {
  bn.forward(randn(shape, { seed: 3, mean: 2, std: 3 }));
  bn.weight!.assign(randn([bn.numFeatures], { seed: 4 }));
  return bn.eval() as T;
}

const cases: [string, () => Module, () => Tensor][] = [
  ['Dense', () => new Dense(4, 3, { seed: 0, biasInit: (s) => randn(s, { seed: 1 }) }), () => randn([2, 4], { seed: 9 })],
  [
    'Dense without bias, float64',
    () => new Dense(4, 3, { seed: 0, bias: false, dtype: 'float64' }),
    () => randn([2, 4], { seed: 9, dtype: 'float64' }),
  ],
  ['ReLU', () => new ReLU(), () => randn([2, 4], { seed: 9 })],
  ['Tanh', () => new Tanh(), () => randn([2, 4], { seed: 9 })],
  ['Sigmoid', () => new Sigmoid(), () => randn([2, 4], { seed: 9 })],
  ['LeakyReLU', () => new LeakyReLU(0.2), () => randn([2, 4], { seed: 9 })],
  ['ELU', () => new ELU(0.5), () => randn([2, 4], { seed: 9 })],
  ['Softmax', () => new Softmax(0), () => randn([2, 4], { seed: 9 })],
  ['Dropout', () => new Dropout(0.3, { seed: 2 }), () => randn([2, 4], { seed: 9 })],
  [
    'Embedding',
    () => new Embedding(6, 3, { seed: 0 }),
    () =>
      tensor(
        [
          [1, 5],
          [0, 2],
        ],
        undefined,
        { dtype: 'int32' },
      ),
  ],
  ['Flatten', () => new Flatten(), () => randn([2, 2, 3], { seed: 9 })],
  ['LayerNorm', () => new LayerNorm([2, 3], { eps: 1e-3 }), () => randn([2, 2, 3], { seed: 9 })],
  ['BatchNorm1d', () => trainedBatchNorm(new BatchNorm1d(3, { momentum: 0.3 }), [8, 3]), () => randn([2, 3], { seed: 9 })],
  ['BatchNorm2d', () => trainedBatchNorm(new BatchNorm2d(2), [2, 3, 3, 2]), () => randn([2, 3, 3, 2], { seed: 9 })],
  [
    'Perceptron',
    () => {
      const p = new Perceptron(2);
      p.weight.assign(tensor([[1], [-1]]));
      return p;
    },
    () => randn([5, 2], { seed: 9 }),
  ],
  [
    'Sequential (nested)',
    () =>
      new Sequential([
        new Dense(4, 8, { seed: 0 }),
        new ReLU(),
        new Sequential([new Dense(8, 8, { seed: 1 }), trainedBatchNorm(new BatchNorm1d(8), [16, 8])]),
        new Dense(8, 2, { seed: 2 }),
      ]),
    () => randn([3, 4], { seed: 9 }),
  ],
];

describe('save → load → identical predictions, for every layer', () => {
  for (const [name, make, input] of cases) {
    it(name, () => {
      const model = make().eval();
      const x = input();
      const expected = Array.from(model.forward(x).dataSync());
      const saved = saveModel(model);
      const copy = loadModel(saved, coreLayers).eval();
      expect(copy.type).toBe(model.type);
      expect(copy.namedParameters().map(([n, v]) => [n, v.shape, v.value.dtype, v.trainable])).toEqual(
        model.namedParameters().map(([n, v]) => [n, v.shape, v.value.dtype, v.trainable]),
      );
      expect(Array.from(copy.forward(x).dataSync())).toEqual(expected);
      // weights alone into a fresh model of the same architecture
      const fresh = make().eval();
      loadWeights(fresh, saveWeights(model));
      expect(Array.from(fresh.forward(x).dataSync())).toEqual(expected);
    });
  }
});

describe('safetensors format', () => {
  it('writes the documented layout: u64 LE header length, JSON header, 8-aligned little-endian data', () => {
    const bytes = writeSafetensors(
      { a: tensor([1, 2], undefined, { dtype: 'int32' }), b: tensor([[0.5]], undefined, { dtype: 'float64' }) },
      { k: 'v' },
    );
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { k: 'v' },
      b: { dtype: 'F64', shape: [1, 1], data_offsets: [0, 8] },
      a: { dtype: 'I32', shape: [2], data_offsets: [8, 16] },
    });
    expect(view.getFloat64(8 + n, true)).toBe(0.5);
    expect(view.getInt32(8 + n + 8, true)).toBe(1);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ k: 'v' });
    expect(Array.from(back.tensors.get('a')!.data)).toEqual([1, 2]);
    expect(back.tensors.get('b')!.dtype).toBe('float64');
  });

  it('reads a file written by the reference implementation (a hand-made PyTorch-style file)', () => {
    const header = '{"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const json = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + json.length + 8);
    new DataView(bytes.buffer).setUint32(0, json.length, true);
    bytes.set(json, 8);
    new DataView(bytes.buffer).setFloat32(8 + json.length, 1.5, true);
    new DataView(bytes.buffer).setFloat32(8 + json.length + 4, -2, true);
    expect(Array.from(readSafetensors(bytes).tensors.get('weight')!.data)).toEqual([1.5, -2]);
  });

  it('rejects mismatching weights with a clear error', () => {
    expect(() => loadWeights(new Dense(3, 2, { seed: 0 }), saveWeights(new Dense(3, 4, { seed: 0 })))).toThrow(
      /weight 'weight' has shape \[3, 4\] in the file but \[3, 2\]/,
    );
    expect(() => loadWeights(new Dense(3, 2, { seed: 0 }), saveWeights(new Dense(3, 2, { seed: 0, bias: false })))).toThrow(/missing bias/);
  });

  it('an unknown layer type or a registry without it is a FormatError naming it', () => {
    const saved = saveModel(new Sequential([new Dense(2, 2, { seed: 0 }), new ReLU()]));
    const { ReLU: _, ...withoutReLU } = coreLayers;
    expect(() => loadModel(saved, withoutReLU)).toThrow(FormatError);
    expect(() => loadModel(saved, withoutReLU)).toThrow(/unknown layer type 'ReLU'/);
    const evil = { ...saved, description: saved.description.replace('"ReLU"', '"toString"') };
    expect(() => loadModel(evil, coreLayers)).toThrow(/unknown layer type 'toString'/);
  });

  it('a description asking for more parameters than the file holds fails before allocating', () => {
    const saved = saveModel(new Dense(2, 2, { seed: 0 }));
    const huge = saved.description.replace('"inFeatures":2', '"inFeatures":9007199254740991');
    expect(() => loadModel({ ...saved, description: huge }, coreLayers)).toThrow(/more parameters than the 6 values/);
    const bad = saved.description.replace('"inFeatures":2', '"inFeatures":-1');
    expect(() => loadModel({ ...saved, description: bad }, coreLayers)).toThrow(/config field 'inFeatures'/);
  });
});

/** A valid file to mutate: a small model's weights. */
function sample(): Uint8Array {
  return saveWeights(new Sequential([new Dense(3, 4, { seed: 0 }), new BatchNorm1d(4), new Dense(4, 2, { seed: 1 })]));
}

function withHeader(header: string, data = new Uint8Array(0), lengthOverride?: [number, number]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, lengthOverride ? lengthOverride[0] : json.length, true);
  view.setUint32(4, lengthOverride ? lengthOverride[1] : 0, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(LecError);
    return;
  }
  throw new Error('expected a typed error, but loading succeeded');
}

describe('loader fuzz: hostile files always give a typed error, never a crash', () => {
  it('targeted cases', () => {
    const entry = (o: object) => JSON.stringify({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...o } });
    const bad: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['7 bytes', new Uint8Array(7)],
      ['header length 2^32', withHeader('{}', undefined, [0, 1])],
      ['header length 2^64-1', withHeader('{}', undefined, [0xffffffff, 0xffffffff])],
      ['header past the end', withHeader('{}', undefined, [1000, 0])],
      ['header not JSON', withHeader('{"t": ')],
      ['header not an object', withHeader('[1,2,3]')],
      [
        'invalid UTF-8',
        (() => {
          const b = withHeader('{"a":1}');
          b[10] = 0xff;
          return b;
        })(),
      ],
      ['__proto__ key', withHeader('{"__proto__":{"polluted":"yes"}}')],
      ['nested __proto__', withHeader('{"__metadata__":{"__proto__":"x"}}')],
      ['constructor key', withHeader(entry({ constructor: 1 }), new Uint8Array(8))],
      ['prototype key', withHeader('{"prototype":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}')],
      ['unknown dtype', withHeader(entry({ dtype: 'BF16' }), new Uint8Array(8))],
      ['negative dimension', withHeader(entry({ shape: [-2] }), new Uint8Array(8))],
      ['fractional dimension', withHeader(entry({ shape: [2.5] }), new Uint8Array(8))],
      ['unsafe dimension', withHeader(entry({ shape: [2 ** 60] }), new Uint8Array(8))],
      ['overflowing product', withHeader(entry({ shape: [2 ** 31, 2 ** 31, 2 ** 31] }), new Uint8Array(8))],
      ['string dimension', withHeader(entry({ shape: ['2'] }), new Uint8Array(8))],
      ['rank 1000', withHeader(entry({ shape: new Array(1000).fill(1) }), new Uint8Array(8))],
      ['offsets past the end', withHeader(entry({ data_offsets: [0, 16] }), new Uint8Array(8))],
      ['offsets reversed', withHeader(entry({ data_offsets: [8, 0] }), new Uint8Array(8))],
      ['offsets wrong size', withHeader(entry({ data_offsets: [0, 4] }), new Uint8Array(8))],
      ['offsets not integers', withHeader(entry({ data_offsets: [0, '8'] }), new Uint8Array(8))],
      ['offsets missing', withHeader(JSON.stringify({ t: { dtype: 'F32', shape: [2] } }), new Uint8Array(8))],
      ['extra key', withHeader(entry({ extra: 1 }), new Uint8Array(8))],
      ['trailing bytes (not covered)', withHeader(entry({}), new Uint8Array(12))],
      [
        'gap between tensors',
        withHeader(
          JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }),
          new Uint8Array(12),
        ),
      ],
      [
        'overlapping tensors',
        withHeader(
          JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }),
          new Uint8Array(12),
        ),
      ],
      ['metadata not strings', withHeader(JSON.stringify({ __metadata__: { a: 1 } }))],
      ['deeply nested JSON', withHeader(`{"__metadata__":${'['.repeat(200000)}${']'.repeat(200000)}}`)],
    ];
    for (const [name, bytes] of bad) {
      let err: unknown;
      try {
        readSafetensors(bytes);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(FormatError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => readSafetensors(withHeader(entry({ shape: [2 ** 20, 2 ** 10] }), new Uint8Array(8)), { maxBytes: 2 ** 20 })).toThrow(
      /budget/,
    );
  });

  it('hostile model descriptions', () => {
    const weights = saveWeights(new Dense(2, 2, { seed: 0 }));
    const descriptions = [
      'not json',
      '{"__proto__":{"x":1}}',
      '{"format":"lec-model","version":1,"model":{"type":"Dense","config":{"inFeatures":2,"outFeatures":2,"constructor":{}}}}',
      '{"format":"lec-model","version":2,"model":{}}',
      '{"format":"lec-model","version":1}',
      '{"format":"lec-model","version":1,"model":{"type":"__proto__","config":{}}}',
      '{"format":"lec-model","version":1,"model":{"type":"hasOwnProperty","config":{}}}',
      '{"format":"lec-model","version":1,"model":{"type":"Dense","config":[]}}',
      '{"format":"lec-model","version":1,"model":{"type":"Dense","config":{"inFeatures":1e400,"outFeatures":2}}}',
      '{"format":"lec-model","version":1,"model":{"type":"Dense","config":{"inFeatures":2,"outFeatures":2,"dtype":"int32"}}}',
      '{"format":"lec-model","version":1,"model":{"type":"Sequential","config":{"layers":"x"}}}',
      `{"format":"lec-model","version":1,"model":${'{"type":"Sequential","config":{"layers":['.repeat(100)}${']}}'.repeat(100)}}`,
      `{"format":"lec-model","version":1,"model":${'['.repeat(100000)}${']'.repeat(100000)}}`,
    ];
    for (const description of descriptions) expectTyped(() => loadModel({ description, weights }, coreLayers));
    expectTyped(() => loadModel({ description: 'x'.repeat(100), weights }, coreLayers, { maxDescriptionLength: 10 }));
    expectTyped(() => loadModel(null as never, coreLayers));
  });

  it('seeded random mutations: truncations, byte flips, header edits', () => {
    const base = sample();
    const rng = new Rng(12345);
    const headerLength = new DataView(base.buffer).getUint32(0, true);
    let failures = 0;
    for (let trial = 0; trial < 400; trial++) {
      let bytes = base.slice();
      const kind = trial % 5;
      if (kind === 0)
        bytes = bytes.slice(0, rng.int(bytes.length)); // truncate
      else if (kind === 1) {
        for (let k = 0; k < 1 + rng.int(4); k++) bytes[8 + rng.int(headerLength)] = rng.int(256); // corrupt the header
      } else if (kind === 2) {
        new DataView(bytes.buffer).setUint32(rng.int(2) * 4, rng.nextUint32(), true); // header length
      } else if (kind === 3) {
        // rewrite one number in the header to something hostile
        const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
        const numbers = [...text.matchAll(/\d+/g)];
        const m = numbers[rng.int(numbers.length)];
        const hostile = ['-1', '1e300', '9007199254740993', '4294967296', '0', '99999999', '1.5'][rng.int(7)];
        const edited = text.slice(0, m.index) + hostile + text.slice(m.index! + m[0].length);
        const json = new TextEncoder().encode(edited);
        const out = new Uint8Array(8 + json.length + (bytes.length - 8 - headerLength));
        new DataView(out.buffer).setUint32(0, json.length, true);
        out.set(json, 8);
        out.set(bytes.subarray(8 + headerLength), 8 + json.length);
        bytes = out;
      } else {
        const extra = new Uint8Array(1 + rng.int(16)); // append junk
        const out = new Uint8Array(bytes.length + extra.length);
        out.set(bytes);
        bytes = out;
      }
      try {
        const model = new Sequential([new Dense(3, 4, { seed: 0 }), new BatchNorm1d(4), new Dense(4, 2, { seed: 1 })]);
        loadWeights(model, bytes);
      } catch (e) {
        failures++;
        expect(e, `trial ${trial}: ${String(e)}`).toBeInstanceOf(LecError);
      }
    }
    expect(failures).toBeGreaterThan(300);
  });
});
