import type { BackendV1 } from './backend/v1.js';
import { makeTensor } from './creation.js';
import { BackendError, DTypeError, ValueError } from './errors.js';
import { Tensor } from './tensor.js';

/**
 * A copy of `t` on another backend (values read back and stored there). Not recorded for
 * gradients.
 * @example
 * ```ts
 * toBackend(tensor([1, 2]), f64Backend()).backend.name; // 'f64'
 * ```
 */
export function toBackend(t: Tensor, backend: BackendV1): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError('toBackend', `argument 't' expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (!backend || (backend as { apiVersion?: unknown }).apiVersion !== 1)
    throw new BackendError('toBackend', `argument 'backend' expected an object implementing Backend interface v1, got ${String(backend)}`);
  if (t.backend === backend) return t;
  if (!backend.dtypes.includes(t.dtype))
    throw new DTypeError('toBackend', `argument 'backend' ('${backend.name}') does not support dtype '${t.dtype}' of 't'`);
  return makeTensor(t.dataSync(), t.shape, t.dtype, backend);
}
