/**
 * Zachary's karate club (1977), shipped inside the package (no download): 34 members, 78
 * undirected friendships, the two factions the club split into (0 = Mr. Hi, node 0;
 * 1 = Officer, node 33; 17 each), and the interaction counts as weights (1..7, sum 231).
 * Data: the `zacharydat` matrix and `club1` set of networkx's `karate_club_graph()`
 * (networkx commit cfc6b79f, BSD-3-Clause), with networkx's rule for the 7 asymmetric
 * weight entries (the lower triangle wins), as in shared/datasets/karate.
 */

const EDGES =
  '0 1 0 2 0 3 0 4 0 5 0 6 0 7 0 8 0 10 0 11 0 12 0 13 0 17 0 19 0 21 0 31 1 2 1 3 1 7 1 13 1 17 1 19 1 21 1 30 2 3 2 7 2 8 2 9 2 13 2 27 2 28 2 32 3 7 3 12 3 13 4 6 4 10 5 6 5 10 5 16 6 16 8 30 8 32 8 33 9 33 13 33 14 32 14 33 15 32 15 33 18 32 18 33 19 33 20 32 20 33 22 32 22 33 23 25 23 27 23 29 23 32 23 33 24 25 24 27 24 31 25 31 26 29 26 33 27 33 28 31 28 33 29 32 29 33 30 32 30 33 31 32 31 33 32 33';
const WEIGHTS =
  '4 5 3 3 3 3 2 2 2 3 1 3 2 2 2 2 6 3 4 5 1 2 2 2 3 4 5 1 3 2 2 2 3 3 3 2 3 5 3 3 3 3 3 4 2 3 3 2 3 4 1 2 1 3 1 2 3 5 4 3 5 4 2 3 2 7 4 2 4 2 2 4 2 3 3 4 4 5';
const FACTIONS = '0 0 0 0 0 0 0 0 0 1 0 0 0 0 1 1 0 0 1 0 1 0 1 1 1 1 1 1 1 1 1 1 1 1';

/** The karate club as plain arrays. */
export interface KarateData {
  numNodes: 34;
  /** Each undirected edge once, src < dst, sorted; 0-based (node i is member i + 1 in the paper). */
  edges: { src: Int32Array; dst: Int32Array; weight: Int32Array };
  /** Faction per node: 0 = Mr. Hi, 1 = Officer. */
  labels: Int32Array;
  classNames: readonly ['Mr. Hi', 'Officer'];
}

/**
 * Zachary's karate club.
 * @example
 * ```ts
 * const k = karateClub();
 * [k.numNodes, k.edges.src.length, k.labels[33]]; // [34, 78, 1]
 * ```
 */
export function karateClub(): KarateData {
  const pairs = EDGES.split(' ').map(Number);
  return {
    numNodes: 34,
    edges: {
      src: Int32Array.from({ length: pairs.length / 2 }, (_, i) => pairs[2 * i]),
      dst: Int32Array.from({ length: pairs.length / 2 }, (_, i) => pairs[2 * i + 1]),
      weight: Int32Array.from(WEIGHTS.split(' '), Number),
    },
    labels: Int32Array.from(FACTIONS.split(' '), Number),
    classNames: ['Mr. Hi', 'Officer'],
  };
}
