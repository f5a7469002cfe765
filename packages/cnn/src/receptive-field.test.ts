import { describe, expect, it } from 'vitest';
import { compareFirstLayer, convParameterCount, denseParameterCount } from './parameter-count.js';
import { receptiveField } from './receptive-field.js';

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
});
