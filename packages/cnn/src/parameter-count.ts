import { ValueError } from '@lec/tensor';

function positive(op: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(op, `argument '${k}' expected a positive integer, got ${v}`);
  }
}

/**
 * denseParameterCount(inputs, units, bias = true): weights of a fully connected layer,
 * inputs·units (+ units biases). Every neuron sees every input.
 * @example
 * ```ts
 * denseParameterCount(200 * 200 * 3, 1, false); // 120000
 * ```
 */
export function denseParameterCount(inputs: number, units: number, bias = true): number {
  positive('denseParameterCount', { inputs, units });
  return inputs * units + (bias ? units : 0);
}

/**
 * convParameterCount(kh, kw, inChannels, filters, bias = true): weights of a conv layer,
 * kh·kw·inChannels·filters (+ filters biases), independent of the image size: the filter is
 * shared across positions (parameter sharing) and sees only a kh×kw patch (sparse
 * connectivity).
 * @example
 * ```ts
 * convParameterCount(5, 5, 3, 1, false); // 75
 * ```
 */
export function convParameterCount(kh: number, kw: number, inChannels: number, filters: number, bias = true): number {
  positive('convParameterCount', { kh, kw, inChannels, filters });
  return kh * kw * inChannels * filters + (bias ? filters : 0);
}

/** The lecture's comparison for one first layer on an image. */
export interface FirstLayerComparison {
  /** Weights one fully connected neuron needs (height·width·channels). */
  weightsPerDenseNeuron: number;
  /** Weights of a dense layer with `units` neurons. */
  denseLayer: number;
  /** Weights of a conv layer with `filters` kh×kw filters. */
  convLayer: number;
  /** denseLayer / convLayer. */
  ratio: number;
}

/**
 * compareFirstLayer(image, {units, kernel, filters}): parameters of a fully connected first
 * layer against a convolutional one on the same image (biases included in the layer
 * totals). A 200×200×3 image gives 120,000 weights per fully connected neuron.
 * @example
 * ```ts
 * compareFirstLayer({ height: 200, width: 200, channels: 3 }, { units: 100, kernel: 5, filters: 100 }).weightsPerDenseNeuron; // 120000
 * ```
 */
export function compareFirstLayer(
  image: { height: number; width: number; channels: number },
  layer: { units: number; kernel: number; filters: number },
): FirstLayerComparison {
  const inputs = image.height * image.width * image.channels;
  const denseLayer = denseParameterCount(inputs, layer.units);
  const convLayer = convParameterCount(layer.kernel, layer.kernel, image.channels, layer.filters);
  return { weightsPerDenseNeuron: inputs, denseLayer, convLayer, ratio: denseLayer / convLayer };
}
