import { describe, expect, it } from 'vitest';
import { f64Backend, jsBackend } from './backend/cpu-backend.js';
import { grad, noGrad, valueAndGrad, variableGrads } from './autograd.js';
import { ones, tensor, zeros } from './creation.js';
import { getBackend, isRecording, keep, tidy, withBackend } from './engine.js';
import { DTypeError, DisposedError, ShapeError, ValueError } from './errors.js';
import { add, exp, matmul, mul, pow, sin, sum, tanh } from './ops/index.js';
import type { Tensor } from './tensor.js';
import { Variable } from './variable.js';

const f64 = (v: number[]) => tensor(v, undefined, { dtype: 'float64' });
const close = (a: ArrayLike<number>, b: number[], tol = 1e-9) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(Math.abs(a[i] - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
};

describe('autograd', () => {
  it('a 10,000-step chain does not overflow the stack (iterative backward)', () => {
    withBackend(f64Backend(), () => {
      const steps = 10_000;
      const [g] = grad((x: Tensor) => {
        let y = x;
        for (let i = 0; i < steps; i++) y = add(mul(y, 0.9999), 0.001);
        return sum(y);
      })(f64([1, 2]));
      close(g.dataSync(), [0.9999 ** steps, 0.9999 ** steps], 1e-9);
    });
  });

  it('a 10,000-step unrolled recurrence through tanh and matmul', () => {
    withBackend(jsBackend(), () => {
      const w = tensor([
        [0.5, -0.2],
        [0.1, 0.3],
      ]);
      const [dw] = grad((weights: Tensor) => {
        let h = ones([1, 2]);
        for (let t = 0; t < 10_000; t++) h = tanh(matmul(h, weights));
        return sum(h);
      })(w);
      expect(dw.shape).toEqual([2, 2]);
      expect([...dw.dataSync()].every(Number.isFinite)).toBe(true);
    });
  });

  it('valueAndGrad returns the value and one gradient per argument; unused arguments get zeros', () => {
    const { value, grads } = valueAndGrad((a: Tensor, b: Tensor, _c: Tensor) => sum(mul(a, b)))(f64([1, 2]), f64([3, 4]), f64([5]));
    expect(value.item()).toBe(11);
    close(grads[0].dataSync(), [3, 4]);
    close(grads[1].dataSync(), [1, 2]);
    close(grads[2].dataSync(), [0]);
  });

  it('gradients accumulate when a tensor is used twice', () => {
    const [g] = grad((x: Tensor) => sum(add(mul(x, x), x)))(f64([3]));
    close(g.dataSync(), [7]);
  });

  it('nested grad gives higher-order derivatives: d²/dx² x³ = 6x', () => {
    const x = f64([1, 2, -3]);
    const d2 = grad((t: Tensor) => sum(grad((u: Tensor) => sum(pow(u, 3)))(t)[0]))(x)[0];
    close(d2.dataSync(), [6, 12, -18]);
    // and a third: d³/dx³ sin x = −cos x
    const d3 = grad((a: Tensor) => sum(grad((b: Tensor) => sum(grad((c: Tensor) => sum(sin(c)))(b)[0]))(a)[0]))(x)[0];
    close(
      d3.dataSync(),
      [1, 2, -3].map((v) => -Math.cos(v)),
    );
  });

  it('noGrad records nothing, and isRecording says whether a tape is active', () => {
    expect(isRecording()).toBe(false);
    let inside = false;
    const [g] = grad((x: Tensor) => {
      inside = isRecording();
      return add(
        sum(x),
        noGrad(() => sum(mul(x, 100))),
      );
    })(f64([1, 2]));
    expect(inside).toBe(true);
    close(g.dataSync(), [1, 1]);
  });

  it('variableGrads differentiates with respect to variables', () => {
    const w = new Variable(f64([2, -1]));
    const { value, grads } = variableGrads(() => sum(mul(w.value, w.value)), [w]);
    expect(value.item()).toBe(5);
    close(grads[0].dataSync(), [4, -2]);
  });

  it('rejects non-scalar results, int32 arguments and non-tensor results with typed errors', () => {
    expect(() => grad((x: Tensor) => mul(x, 2))(f64([1, 2]))).toThrow(ShapeError);
    expect(() => grad((x: Tensor) => sum(x))(tensor([1], undefined, { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => grad((() => 3) as unknown as (x: Tensor) => Tensor)(f64([1]))).toThrow(/grad: the function must return a Tensor/);
  });
});

describe('tidy and keep', () => {
  it('tidy disposes what fn made except what it returns (nested in arrays and objects)', () => {
    const backend = getBackend();
    const before = backend.liveBuffers();
    const result = tidy(() => {
      const a = exp(tensor([1, 2]));
      const b = add(a, 1);
      const c = mul(b, 2);
      return { list: [c], other: add(c, 1) };
    });
    expect(backend.liveBuffers() - before).toBe(2);
    expect(result.list[0].isDisposed).toBe(false);
    result.list[0].dispose();
    result.other.dispose();
    expect(backend.liveBuffers()).toBe(before);
  });

  it('nested tidy hands returned tensors to the outer scope', () => {
    const backend = getBackend();
    const before = backend.liveBuffers();
    let inner: Tensor | undefined;
    tidy(() => {
      inner = tidy(() => add(tensor([1]), 1));
      expect(inner.isDisposed).toBe(false);
      return undefined;
    });
    expect(inner!.isDisposed).toBe(true);
    expect(backend.liveBuffers()).toBe(before);
  });

  it('keep takes a tensor out of every scope; disposing twice is a no-op', () => {
    const backend = getBackend();
    const before = backend.liveBuffers();
    let kept: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(zeros([3]));
      });
    });
    expect(kept!.isDisposed).toBe(false);
    kept!.dispose();
    kept!.dispose();
    expect(backend.liveBuffers()).toBe(before);
  });

  it('tidy frees everything when fn throws', () => {
    const backend = getBackend();
    const before = backend.liveBuffers();
    expect(() =>
      tidy(() => {
        exp(tensor([1, 2]));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(backend.liveBuffers()).toBe(before);
  });

  it('tidy inside a gradient function keeps what the active tape still needs', () => {
    const backend = getBackend();
    const before = backend.liveBuffers();
    const x = f64([0.5, -1]);
    const [g] = grad((t: Tensor) => {
      // mul(t, 2) is an intermediate of the inner tidy, but exp's backward needs exp's output
      // and the tape needs mul's output as exp's input: neither may be freed yet
      const y = tidy(() => exp(mul(t, 2)));
      return sum(y);
    })(x);
    close(g.dataSync(), [2 * Math.exp(1), 2 * Math.exp(-2)]);
    // after grad, only x and g are alive: the tape's tensors were freed with it
    expect(backend.liveBuffers() - before).toBe(2);
    g.dispose();
    x.dispose();
  });

  it('without hasAux, other tensors f returns or creates are disposed (documented)', () => {
    let side: Tensor | undefined;
    const { value } = valueAndGrad((x: Tensor) => {
      side = mul(x, 3);
      return sum(mul(x, x));
    })(tensor([1, 2]));
    expect(value.isDisposed).toBe(false);
    expect(side?.isDisposed).toBe(true);
  });

  it('hasAux: valueAndGrad returns { value, aux, grads } and keeps aux alive', () => {
    const x = tensor([1, 2, 3]);
    const f = (t: Tensor) => {
      const y = mul(t, t);
      return [sum(y), { y, twice: mul(t, 2), label: 'squares' }] as const;
    };
    const { value, aux, grads } = valueAndGrad(f, { hasAux: true })(x);
    expect(value.item()).toBe(14);
    expect(aux.y.isDisposed).toBe(false);
    expect(Array.from(aux.y.dataSync())).toEqual([1, 4, 9]);
    expect(Array.from(aux.twice.dataSync())).toEqual([2, 4, 6]);
    expect(aux.label).toBe('squares');
    expect(Array.from(grads[0].dataSync())).toEqual([2, 4, 6]);
    // the aux output does not change the gradient (only the loss is differentiated)
    expect(Array.from(valueAndGrad((t: Tensor) => sum(mul(t, t)))(x).grads[0].dataSync())).toEqual([2, 4, 6]);
  });

  it('hasAux: grad returns { grads, aux }, variableGrads returns aux too', () => {
    const { grads, aux } = grad((t: Tensor) => [sum(mul(t, t)), exp(t)] as const, { hasAux: true })(f64([0, 1]));
    close(grads[0].dataSync(), [0, 2]);
    close(aux.dataSync(), [1, Math.E]);
    expect(aux.isDisposed).toBe(false);
    const w = new Variable(f64([3]));
    const r = variableGrads(() => [sum(mul(w.value, w.value)), [mul(w.value, 2)]] as const, [w], { hasAux: true });
    close(r.grads[0].dataSync(), [6]);
    close(r.aux[0].dataSync(), [6]);
    // the loss itself can be part of aux
    const g = grad(
      (t: Tensor) => {
        const loss = sum(t);
        return [loss, loss] as const;
      },
      { hasAux: true },
    )(f64([1, 2]));
    expect(g.aux.isDisposed).toBe(false);
    expect(g.aux.item()).toBe(3);
  });

  it('hasAux: a function that does not return a pair gets a ValueError', () => {
    const bad = valueAndGrad((t: Tensor) => sum(t) as never, { hasAux: true });
    expect(() => bad(tensor([1]))).toThrow(ValueError);
    expect(() => bad(tensor([1]))).toThrow(/valueAndGrad: with hasAux the function must return a pair \[loss, aux\]/);
  });

  it('a disposed tensor raises DisposedError when used', () => {
    const t = tensor([1]);
    t.dispose();
    expect(() => t.dataSync()).toThrow(DisposedError);
    expect(String(t)).toBe('tensor(<disposed>, shape=[1], dtype=float32, backend=js)');
  });
});
