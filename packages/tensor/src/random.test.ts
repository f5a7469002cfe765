import { describe, expect, it } from 'vitest';
import { ValueError } from './errors.js';
import { Rng, philox4x32, setSeed } from './random.js';
import { rand, randn, uniform } from './creation.js';

const hex = (a: Uint32Array) => [...a].map((v) => v.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 known answers (Random123 kat_vectors)', () => {
  it('counter 0, key 0', () => {
    const out = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, out);
    expect(hex(out)).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });
  it('all ones', () => {
    const out = new Uint32Array(4);
    const m = 0xffffffff;
    philox4x32(m, m, m, m, m, m, out);
    expect(hex(out)).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
  });
  it('digits of pi', () => {
    const out = new Uint32Array(4);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(hex(out)).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });
  it('Rng(0) streams block 0 first, then block 1', () => {
    const rng = new Rng(0);
    const first = Uint32Array.from({ length: 4 }, () => rng.nextUint32());
    expect(hex(first)).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    const block1 = new Uint32Array(4);
    philox4x32(1, 0, 0, 0, 0, 0, block1);
    expect(rng.nextUint32()).toBe(block1[0]);
  });
});

describe('Rng', () => {
  it('is deterministic: the same seed gives the same numbers, another seed others', () => {
    expect([...new Rng(42).uniform(100)]).toEqual([...new Rng(42).uniform(100)]);
    expect([...new Rng(42).normal(101)]).toEqual([...new Rng(42).normal(101)]);
    expect(new Rng(42).uniform(1)[0]).not.toBe(new Rng(43).uniform(1)[0]);
    // seeds above 2^32 use the second key word
    expect(new Rng(2 ** 32).uniform(1)[0]).not.toBe(new Rng(0).uniform(1)[0]);
  });

  it('uniform(53) and uniform(24) are in [0, 1) with mean 1/2 and variance 1/12', () => {
    const n = 200_000;
    for (const bits of [24, 53] as const) {
      const u = new Rng(7).uniform(n, bits);
      let s = 0;
      let s2 = 0;
      let outside = 0;
      for (const v of u) {
        if (!(v >= 0 && v < 1)) outside++;
        s += v;
        s2 += v * v;
      }
      expect(outside).toBe(0);
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      // standard errors: 1/sqrt(12 n) ≈ 6.5e-4 for the mean; use 5 of them
      expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(variance - 1 / 12)).toBeLessThan(2e-3);
    }
    // 24-bit values are exact in float32
    expect(new Rng(1).uniform(1000, 24).every((v) => Math.fround(v) === v)).toBe(true);
  });

  it('normal() has mean 0, variance 1, no skew and kurtosis 3', () => {
    const n = 200_000;
    const z = new Rng(11).normal(n);
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    expect(z.every(Number.isFinite)).toBe(true);
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m3 += v ** 3;
      m4 += v ** 4;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(m3 / n)).toBeLessThan(0.03);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.1);
  });

  it('int(max) is unbiased and in range; permutation is a permutation', () => {
    const rng = new Rng(5);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect([...new Rng(3).permutation(50)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => rng.int(0)).toThrow(ValueError);
  });

  it('fork() gives an independent, reproducible stream', () => {
    const a = new Rng(9).fork();
    const b = new Rng(9).fork();
    expect(a.seed).toBe(b.seed);
    expect([...a.uniform(5)]).toEqual([...b.uniform(5)]);
    expect(a.seed).not.toBe(9);
  });

  it('rejects bad seeds with a ValueError naming the argument', () => {
    expect(() => new Rng(-1)).toThrow(/^Rng: argument 'seed'/);
    expect(() => new Rng(1.5)).toThrow(ValueError);
    expect(() => setSeed(NaN)).toThrow(/^setSeed: argument 'seed'/);
  });

  it('setSeed makes the global generator reproducible; seeded creation ignores it', () => {
    setSeed(123);
    const a = rand([4]).dataSync();
    setSeed(123);
    expect([...rand([4]).dataSync()]).toEqual([...a]);
    expect([...randn([3], { seed: 4 }).dataSync()]).toEqual([...randn([3], { seed: 4 }).dataSync()]);
    setSeed(0);
  });
  it('state() and setState() continue a stream exactly, mid-block too', () => {
    for (const skip of [0, 1, 3, 4, 5, 9]) {
      const rng = new Rng(11);
      for (let i = 0; i < skip; i++) rng.nextUint32();
      const saved = rng.state();
      const expected = Array.from({ length: 7 }, () => rng.nextUint32());
      const other = new Rng(0);
      other.setState(JSON.parse(JSON.stringify(saved)));
      expect(Array.from({ length: 7 }, () => other.nextUint32())).toEqual(expected);
      expect(other.seed).toBe(11);
    }
  });

  it('setState rejects a malformed state with a ValueError and changes nothing', () => {
    const rng = new Rng(2);
    rng.nextUint32();
    const before = rng.state();
    expect(() => rng.setState({ seed: -1, counter: 0, used: 4 })).toThrow(/Rng.setState: argument 'seed'/);
    expect(() => rng.setState({ seed: 1, counter: 1.5, used: 0 })).toThrow(/argument 'state.counter'/);
    expect(() => rng.setState({ seed: 1, counter: 2, used: 5 })).toThrow(ValueError);
    expect(rng.state()).toEqual(before);
  });
});

describe('uniform arguments', () => {
  it('options passed second are a ValueError naming low, not NaN', () => {
    expect(() => uniform([3], { seed: 1 } as never)).toThrow(ValueError);
    expect(() => uniform([3], { seed: 1 } as never)).toThrow(/argument 'low'.*options go fourth/);
  });
  it('refuses non-finite or reversed bounds and an overflowing range', () => {
    expect(() => uniform([3], 0, Number.NaN)).toThrow(/argument 'high' expected a finite number, got NaN/);
    expect(() => uniform([3], '0' as never, 1)).toThrow(/argument 'low' expected a finite number, got string/);
    expect(() => uniform([3], 1, 0)).toThrow(/argument 'high' expected at least low = 1, got 0/);
    expect(() => uniform([3], -1e308, 1e308)).toThrow(/overflows/);
    expect(() => uniform([3], 0, 1, null as never)).toThrow(/argument 'options' expected an object/);
  });
  it('still draws [low, high) with the same values as before', () => {
    const u = uniform([1000], -2, 3, { seed: 4 }).toArray() as number[];
    const r = rand([1000], { seed: 4 }).toArray() as number[];
    for (let i = 0; i < u.length; i++) expect(u[i]).toBeCloseTo(-2 + 5 * r[i], 5);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(uniform([2], 1, 1).toArray()).toEqual([1, 1]);
  });
});
