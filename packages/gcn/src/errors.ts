/**
 * Typed errors of @lec/gcn. Like every lec error they extend `LecError`, so the message
 * starts with the function that raised it and names the argument, what was expected and
 * what came.
 */
import { LecError } from '@lec/tensor';

/**
 * A node id is not an integer in [0, numNodes).
 * @example
 * ```ts
 * try { Graph.fromEdges(2, [[0, 5]]); } catch (e) { e instanceof NodeIdError; } // true
 * ```
 */
export class NodeIdError extends LecError {}

/**
 * A graph cannot be built as asked (a duplicate edge with `duplicates: 'error'`, a negative
 * or non-finite weight, mismatched array lengths).
 * @example
 * ```ts
 * try { Graph.fromEdges(2, [[0, 1], [1, 0]], { duplicates: 'error' }); } catch (e) { e instanceof GraphError; } // true
 * ```
 */
export class GraphError extends LecError {}

/**
 * A data file is missing, too large, malformed, or disagrees with its `meta.json`. The
 * message names the file and, for a bad line, its 1-based line number.
 * @example
 * ```ts
 * try { parseEdgeList('0 x\n'); } catch (e) { e instanceof DataFormatError; } // true
 * ```
 */
export class DataFormatError extends LecError {}
