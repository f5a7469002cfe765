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
 * Graph.fromEdges(2, [[0, 5]]); // throws NodeIdError
 * ```
 */
export class NodeIdError extends LecError {}

/**
 * A graph cannot be built as asked (a duplicate edge with `duplicates: 'error'`, a negative
 * or non-finite weight, mismatched array lengths).
 * @example
 * ```ts
 * Graph.fromEdges(2, [[0, 1], [1, 0]], { duplicates: 'error' }); // throws GraphError
 * ```
 */
export class GraphError extends LecError {}

/**
 * A data file is missing, too large, malformed, or disagrees with its `meta.json`. The
 * message names the file and, for a bad line, its 1-based line number.
 * @example
 * ```ts
 * parseEdgeList('0 x\n'); // throws DataFormatError
 * ```
 */
export class DataFormatError extends LecError {}
