/**
 * Mutation fuzzing of the text parsers: `parseEdgeList` and `parsePlanetoid` (meta.json,
 * edges, labels, split, features). Fixed seed; a corpus of small valid files (the karate club
 * as an edge list, weighted and commented lists, two tiny Planetoid sets); byte flips,
 * number tokens replaced by hostile ones (huge ids, 1e400, NaN, −1, 2^31, hex, long digit
 * runs), line deletion/duplication/truncation and splices between files. Every mutated input
 * must either parse or throw a DataFormatError (any other exception is a crash), each within
 * 2 s (no hang; an edge list naming a node just under the 2^24 default budget legitimately
 * builds a 16M-node graph, ~0.6 s on a loaded machine), and the RSS must not grow past a budget. CI runs 5,000 files per parser;
 * LEC_FUZZ_FILES=100000 runs longer locally.
 */
import { karateClub } from '@lec/datasets';
import { describe, expect, it } from 'vitest';
import { DataFormatError, parseEdgeList, parsePlanetoid } from '../src/index.js';

const FILES = Number(process.env.LEC_FUZZ_FILES ?? 5000);

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { int: (n: number) => next() % n, next };
}
type R = ReturnType<typeof rng>;

const TOKENS = [
  '-1',
  '0',
  '1',
  '2',
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '2147483647',
  '2147483648',
  '4294967296',
  '16777216',
  '400000000',
  '9007199254740993',
  '1e-400',
  '0x10',
  '1.5',
  '',
  ' ',
  '#',
  '%',
  '9'.repeat(40),
  ':',
  '::',
  '0:',
  ':1',
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  'null',
  'true',
  '"nodes"',
  '1e9',
  '-0',
  '\u00a0',
  '\t',
  '\r',
];

/** Text mutations: tokens, lines, bytes, splices from another corpus file. */
function mutate(input: string, r: R, corpus: readonly string[]): string {
  let t = input;
  const steps = 1 + r.int(4);
  for (let s = 0; s < steps; s++) {
    const at = t.length ? r.int(t.length) : 0;
    switch (r.int(9)) {
      case 0: {
        // a number token replaced by a hostile one
        const numbers = [...t.matchAll(/-?[0-9][0-9.e+-]*/g)];
        if (numbers.length) {
          const m = numbers[r.int(numbers.length)];
          t = t.slice(0, m.index) + TOKENS[r.int(TOKENS.length)] + t.slice(m.index! + m[0].length);
        }
        break;
      }
      case 1:
        t = t.slice(0, at) + TOKENS[r.int(TOKENS.length)] + t.slice(at);
        break;
      case 2:
        if (t.length) t = t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ (1 << r.int(7))) + t.slice(at + 1);
        break;
      case 3:
        t = t.slice(0, at);
        break;
      case 4: {
        const rows = t.split('\n');
        rows.splice(r.int(rows.length + 1), 1);
        t = rows.join('\n');
        break;
      }
      case 5: {
        const rows = t.split('\n');
        const k = r.int(rows.length);
        rows.splice(k, 0, ...Array.from({ length: 1 + r.int(3) }, () => rows[k]));
        t = rows.join('\n');
        break;
      }
      case 6: {
        const other = corpus[r.int(corpus.length)];
        const from = other.length ? r.int(other.length) : 0;
        t = t.slice(0, at) + other.slice(from, from + 1 + r.int(80)) + t.slice(at);
        break;
      }
      case 7:
        t = t.slice(0, at) + t.slice(at + 1 + r.int(16));
        break;
      default:
        t = t.replace(/\n/g, ['\r\n', '\n\n', ' \n', '\n#\n'][r.int(4)]);
    }
  }
  return t;
}

interface Tally {
  files: number;
  parsed: number;
  typed: number;
  crashes: string[];
  slowest: number;
  peakRssGrowthMb: number;
}

function fuzz(seed: number, corpus: readonly string[], run: (text: string, r: R, from: number) => unknown): Tally {
  const r = rng(seed);
  const t: Tally = { files: 0, parsed: 0, typed: 0, crashes: [], slowest: 0, peakRssGrowthMb: 0 };
  const rss0 = process.memoryUsage.rss();
  for (let i = 0; i < FILES; i++) {
    const from = r.int(corpus.length);
    const input = mutate(corpus[from], r, corpus);
    const t0 = performance.now();
    try {
      run(input, r, from);
      t.parsed++;
    } catch (e) {
      if (e instanceof DataFormatError) t.typed++;
      else if (t.crashes.length < 5)
        t.crashes.push(`${(e as Error)?.name}: ${(e as Error)?.message} ← ${JSON.stringify(input.slice(0, 200))}`);
      else t.crashes.push('...');
    }
    t.slowest = Math.max(t.slowest, performance.now() - t0);
    if (i % 50 === 0) t.peakRssGrowthMb = Math.max(t.peakRssGrowthMb, (process.memoryUsage.rss() - rss0) / 2 ** 20);
    t.files++;
  }
  return t;
}

const report = (what: string, t: Tally) =>
  console.log(
    `fuzz ${what}: ${t.files} files, ${t.parsed} parsed, ${t.typed} typed errors (${((100 * t.typed) / t.files).toFixed(1)} %), ${t.crashes.length} crashes, slowest ${t.slowest.toFixed(1)} ms, peak RSS growth ${t.peakRssGrowthMb.toFixed(0)} MB`,
  );

const karate = karateClub();
const karateText = Array.from(karate.edges.src, (s, i) => `${s} ${karate.edges.dst[i]}`).join('\n');
const karateWeighted = Array.from(karate.edges.src, (s, i) => `${s} ${karate.edges.dst[i]} ${karate.edges.weight[i]}`).join('\n');
const EDGE_CORPUS = [
  karateText,
  karateWeighted,
  '# a triangle\n0 1\n1 2\n0 2\n',
  '% weighted\n0 1 0.5\n1 2 2.25\n2 3 1e-3\n\n3 0 7\n',
  '0\t1\r\n1\t2\r\n',
];

const tinyA = {
  meta: JSON.stringify({ name: 'tiny', nodes: 3, features: 4, classes: 2, edges: 2, feature_nnz: 3 }),
  edges: '0 1\n1 2\n',
  labels: '0\n1\n-1\n',
  split: '{"train":[0],"val":[1],"test":[]}',
  features: '0 0:1 3:1\n1 2:0.5\n2\n',
};
const tinyB = {
  meta: JSON.stringify({
    name: 'b',
    nodes: 6,
    features: 3,
    classes: 3,
    edges: 5,
    feature_nnz: 6,
    self_loops_removed: [4],
    features_available: true,
  }),
  edges: '0 1\n1 2\n2 3\n3 4\n4 5\n',
  labels: '0\n1\n2\n0\n1\n2\n',
  split: '{"train":[0,1],"val":[2,3],"test":[4,5]}',
  features: '0 0:1\n1 1:1\n2 2:1\n3 0:1\n4 1:1\n5 2:1\n',
};
const PARTS = ['meta', 'edges', 'labels', 'split', 'features'] as const;
const PLANETOID_CORPUS = [tinyA, tinyB].flatMap((d) => PARTS.map((p) => d[p]));

describe('fuzzing the gcn text parsers (fixed seed)', () => {
  it(`parseEdgeList: ${FILES} mutated edge lists, only DataFormatError, none slow`, () => {
    const t = fuzz(23, EDGE_CORPUS, (text, r) => {
      const weighted = ([true, false, 'auto'] as const)[r.int(3)];
      parseEdgeList(text, { weighted, directed: r.int(2) === 0 });
    });
    report('parseEdgeList', t);
    expect(t.crashes).toEqual([]);
    expect(t.files).toBe(FILES);
    expect(t.slowest).toBeLessThan(2000);
    expect(t.peakRssGrowthMb).toBeLessThan(1024);
  }, 600_000);

  it(`parsePlanetoid: ${FILES} mutated datasets (one file of five mutated), only DataFormatError, none slow`, () => {
    // the mutated file replaces the one it came from, in its own dataset
    const t = fuzz(25, PLANETOID_CORPUS, (text, r, from) => {
      const base = from < PARTS.length ? tinyA : tinyB;
      parsePlanetoid({ ...base, [PARTS[from % PARTS.length]]: text }, { restoreSelfLoops: r.int(2) === 0 });
    });
    report('parsePlanetoid', t);
    expect(t.crashes).toEqual([]);
    expect(t.files).toBe(FILES);
    expect(t.slowest).toBeLessThan(1000);
    expect(t.peakRssGrowthMb).toBeLessThan(1024);
  }, 600_000);
});
