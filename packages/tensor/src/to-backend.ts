import type { BackendV1 } from './backend/v1.js';
import { makeTensor } from './creation.js';
import type { Tensor } from './tensor.js';

/**
 * A copy of `t` on another backend (values read back and stored there). Not recorded for
 * gradients.
 * @example
 * ```ts
 * toBackend(tensor([1, 2]), f64Backend()).backend.name; // 'f64'
 * ```
 */
export function toBackend(t: Tensor, backend: BackendV1): Tensor {
  if (t.backend === backend) return t;
  return makeTensor(t.dataSync(), t.shape, t.dtype, backend);
}
