import { Sequential, ReLU, summary } from '@lec/nn';
import { Conv2d } from './layers/conv2d.js';
import { lenet5 } from './models.js';
import { describe, expect, it } from 'vitest';
import { compareFirstLayer, convParameterCount, denseParameterCount } from './parameter-count.js';
import { fieldLayersOf, receptiveField } from './receptive-field.js';

describe('receptiveField', () => {
  it('two stacked 3x3 convolutions see 5x5, three see 7x7', () => {
    expect(receptiveField([{ kernel: 3 }, { kernel: 3 }]).map((l) => l.size)).toEqual([3, 5]);
    expect(receptiveField([{ kernel: 3 }, { kernel: 3 }, { kernel: 3 }]).at(-1)?.size).toBe(7);
  });

  it('strides multiply the jump; LeNet-5 conv2 sees 14x14, after pool2 16x16', () => {
    const lenet = receptiveField([
      { kernel: 5, name: 'c1' },
      { kernel: 2, stride: 2, name: 's2' },
      { kernel: 5, name: 'c3' },
      { kernel: 2, stride: 2, name: 's4' },
    ]);
    expect(lenet.map((l) => [l.name, l.size, l.jump])).toEqual([
      ['c1', 5, 1],
      ['s2', 6, 2],
      ['c3', 14, 2],
      ['s4', 16, 4],
    ]);
  });

  it('dilation and padding move size and start', () => {
    const [l] = receptiveField([{ kernel: 3, dilation: 2, padding: 2 }]);
    expect(l.size).toBe(5);
    expect(l.start).toBe(0);
    expect(() => receptiveField([{ kernel: 0 }])).toThrow(/layer 0: 'kernel'/);
  });
});

describe('parameter counts', () => {
  it('a 200x200x3 image gives 120,000 weights per fully connected neuron', () => {
    const c = compareFirstLayer({ height: 200, width: 200, channels: 3 }, { units: 100, kernel: 5, filters: 100 });
    expect(c.weightsPerDenseNeuron).toBe(120000);
    expect(c.denseLayer).toBe(120000 * 100 + 100);
    expect(c.convLayer).toBe(5 * 5 * 3 * 100 + 100);
    expect(c.ratio).toBeGreaterThan(1500);
  });

  it('counts and validates', () => {
    expect(denseParameterCount(784, 10)).toBe(7850);
    expect(convParameterCount(5, 5, 1, 6)).toBe(156);
    expect(() => denseParameterCount(0, 1)).toThrow(/argument 'inputs'/);
  });
  it('reads the layers from a model: LeNet-5 and a dilated, strided stack', () => {
    const net = lenet5({ seed: 0 });
    expect(fieldLayersOf(net).map((l) => [l.kernel, l.stride])).toEqual([
      [5, 1],
      [2, 2],
      [5, 1],
      [2, 2],
    ]);
    expect(receptiveField(net).map((f) => f.size)).toEqual(
      receptiveField([{ kernel: 5 }, { kernel: 2, stride: 2 }, { kernel: 5 }, { kernel: 2, stride: 2 }]).map((f) => f.size),
    );
    const stack = new Sequential([
      new Conv2d(1, 2, [3, 5], { dilations: 2, seed: 0 }),
      new ReLU(),
      new Conv2d(2, 2, 3, { strides: 2, seed: 1 }),
    ]);
    expect(receptiveField(stack).at(-1)!.size).toBe(5 + 2); // rows: 1 + 2·2 = 5, then + 2·1
    expect(receptiveField(fieldLayersOf(stack, 1)).at(-1)!.size).toBe(9 + 2); // columns: 1 + 4·2 = 9, then + 2
  });

  it('summary of LeNet-5: output shapes, 61,706 parameters and the receptive field per layer', () => {
    const s = summary(lenet5({ seed: 0 }), [28, 28, 1]);
    expect(s.params).toBe(61706);
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [-1, 28, 28, 6],
      [-1, 14, 14, 6],
      [-1, 14, 14, 6],
      [-1, 10, 10, 16],
      [-1, 5, 5, 16],
      [-1, 5, 5, 16],
      [-1, 400],
      [-1, 120],
      [-1, 120],
      [-1, 84],
      [-1, 84],
      [-1, 10],
    ]);
    expect(s.rows.map((r) => r.receptiveField?.[0])).toEqual([
      5,
      6,
      6,
      14,
      16,
      16,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(s.rows[0].params).toBe(156);
    expect(String(s)).toMatch(/0 \(Conv2d\)\s+\[-1, 28, 28, 6\]\s+156\s+5×5/);
  });
});
