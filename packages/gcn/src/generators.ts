/** Small deterministic graphs for examples, tests and spectral demos. */
import { ValueError } from '@lec/tensor';
import { Graph } from './graph.js';

/**
 * The cycle C_n: node i joins i + 1 (mod n). Its Laplacian eigenvectors are the discrete
 * Fourier modes, so "frequency" is literal.
 * @example
 * ```ts
 * ringGraph(5).numEdges; // 5
 * ```
 */
export function ringGraph(n: number): Graph {
  if (!Number.isSafeInteger(n) || n < 3) throw new ValueError('ringGraph', `argument 'n' expected an integer >= 3, got ${n}`);
  const src = new Int32Array(n);
  const dst = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    src[i] = i;
    dst[i] = (i + 1) % n;
  }
  return Graph.fromArrays(n, src, dst);
}

/**
 * The rows × cols grid graph (4-neighbour lattice); node (r, c) has id r·cols + c.
 * @example
 * ```ts
 * gridGraph(2, 3).numEdges; // 7
 * ```
 */
export function gridGraph(rows: number, cols: number): Graph {
  if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(cols) || cols < 1)
    throw new ValueError('gridGraph', `arguments 'rows' and 'cols' expected positive integers, got ${rows} x ${cols}`);
  const src: number[] = [];
  const dst: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (c + 1 < cols) {
        src.push(i);
        dst.push(i + 1);
      }
      if (r + 1 < rows) {
        src.push(i);
        dst.push(i + cols);
      }
    }
  }
  return Graph.fromArrays(rows * cols, src, dst);
}
