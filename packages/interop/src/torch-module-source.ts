/**
 * The Python source of the PyTorch module equivalent to a lec Sequential, so a user can load
 * `toTorchStateDict(model)` into it with `strict=True` and train it with PyTorch (distributed
 * or not). Image layers take NCHW in torch and NHWC in lec; the weights are converted so the
 * two compute the same function on the same images (transposed). Sequences are batch-first in
 * both.
 */
import {
  BatchNorm1d,
  BatchNorm2d,
  Dense,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  LayerNorm,
  LeakyReLU,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@lec/nn';
import type { Module } from '@lec/nn';
import { AvgPool2d, Conv2d, Conv2dTranspose, GlobalAvgPool, MaxPool2d, Upsample } from '@lec/cnn';
import { Bidirectional, GRU, LSTM, RNN, type Recurrent } from '@lec/rnn';
import type { Padding } from '@lec/tensor';
import { UnsupportedLayerError } from './errors.js';

const OP = 'torchModuleSource';
const py = (v: number | boolean) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : Number.isInteger(v) ? String(v) : String(v));
const pair = (p: readonly number[]) => (p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`);

const RECURRENT_HELPER = `
def _batch_first(base):
    """A torch recurrent module that returns what lec's layer returns: every step, or the last state."""

    class Layer(base):
        def __init__(self, *args, return_sequences=False, **kwargs):
            super().__init__(*args, batch_first=True, **kwargs)
            self.return_sequences = return_sequences

        def forward(self, x):
            out, state = super().forward(x)
            if self.return_sequences:
                return out
            h = state[0] if isinstance(state, tuple) else state
            return torch.cat([h[-2], h[-1]], dim=1) if self.bidirectional else h[-1]

    Layer.__name__ = base.__name__
    return Layer


LSTM = _batch_first(nn.LSTM)
GRU = _batch_first(nn.GRU)
RNN = _batch_first(nn.RNN)
`;

function convPadding(path: string, padding: Padding, strides: readonly number[], kernel: readonly number[]): string {
  if (padding === 'valid') return '0';
  if (padding === 'same') {
    if (strides[0] === 1 && strides[1] === 1) return "'same'";
    if (kernel.every((k) => k % 2 === 1) && strides.every((s, i) => s <= kernel[i])) {
      // torch has no 'same' for strides > 1; symmetric padding k // 2 gives ceil(n / s) outputs only when it equals TF's split
      throw new UnsupportedLayerError(
        OP,
        `layer '${path}': padding 'same' with strides ${pair(strides)} has no exact torch padding; use padding as numbers`,
      );
    }
    throw new UnsupportedLayerError(OP, `layer '${path}': padding 'same' with strides ${pair(strides)} has no torch equivalent`);
  }
  if (typeof padding === 'number') return String(padding);
  if (padding[0][0] === padding[0][1] && padding[1][0] === padding[1][1]) return pair([padding[0][0], padding[1][0]]);
  throw new UnsupportedLayerError(OP, `layer '${path}': asymmetric padding ${JSON.stringify(padding)} has no nn.Conv2d equivalent`);
}

function recurrent(r: Recurrent, bidirectional: boolean, returnSequences: boolean): string {
  const args = [`${r.inputSize}`, `${r.hiddenSize}`, `num_layers=${r.numLayers}`];
  if (r instanceof RNN) args.push(`nonlinearity='${(r.cells[0] as unknown as { activation: string }).activation}'`);
  if (r.dropoutRate > 0) args.push(`dropout=${py(r.dropoutRate)}`);
  if (bidirectional) args.push('bidirectional=True');
  args.push(`return_sequences=${py(returnSequences)}`);
  return `${r.type}(${args.join(', ')})`;
}

function layerSource(path: string, m: Module<any, any>): string {
  if (m instanceof Dense) return `nn.Linear(${m.inFeatures}, ${m.outFeatures}, bias=${py(m.bias !== null)})`;
  if (m instanceof Conv2d) {
    const c = m.config() as { strides: number[]; dilations: number[]; padding: Padding };
    const padding = convPadding(path, c.padding, c.strides, m.kernelSize);
    return `nn.Conv2d(${m.inChannels}, ${m.outChannels}, ${pair(m.kernelSize)}, stride=${pair(c.strides)}, padding=${padding}, dilation=${pair(c.dilations)}, groups=${m.groups}, bias=${py(m.bias !== null)})`;
  }
  if (m instanceof Conv2dTranspose) {
    if (m.padding === 'valid')
      return `nn.ConvTranspose2d(${m.inChannels}, ${m.outChannels}, ${pair(m.kernelSize)}, stride=${pair(m.strides)}, bias=${py(m.bias !== null)})`;
    const total = m.kernelSize.map((k, i) => k - m.strides[i]);
    if (total.some((t) => t < 0 || t % 2 !== 0))
      throw new UnsupportedLayerError(
        OP,
        `layer '${path}': Conv2dTranspose padding 'same' with kernel ${pair(m.kernelSize)} and strides ${pair(m.strides)} crops unevenly; torch cannot express it`,
      );
    return `nn.ConvTranspose2d(${m.inChannels}, ${m.outChannels}, ${pair(m.kernelSize)}, stride=${pair(m.strides)}, padding=${pair(total.map((t) => t / 2))}, bias=${py(m.bias !== null)})`;
  }
  if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
    if (m.padding !== 'valid' && m.padding !== 0)
      throw new UnsupportedLayerError(
        OP,
        `layer '${path}': ${m.type} with padding ${JSON.stringify(m.padding)} (torch pads pools differently); use 'valid'`,
      );
    return `nn.${m.type}(${pair(m.windowSize)}, stride=${pair(m.strides)})`;
  }
  if (m instanceof GlobalAvgPool) return 'nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())';
  if (m instanceof Upsample)
    return `nn.Upsample(scale_factor=${m.scale}, mode='${m.mode}'${m.mode === 'bilinear' ? ', align_corners=False' : ''})`;
  if (m instanceof Flatten) return 'nn.Flatten()';
  if (m instanceof Dropout) return `nn.Dropout(${py(m.rate)})`;
  if (m instanceof ReLU) return 'nn.ReLU()';
  if (m instanceof Tanh) return 'nn.Tanh()';
  if (m instanceof Sigmoid) return 'nn.Sigmoid()';
  if (m instanceof LeakyReLU) return `nn.LeakyReLU(${py(m.alpha)})`;
  if (m instanceof ELU) return `nn.ELU(${py(m.alpha)})`;
  if (m instanceof Softmax) return `nn.Softmax(dim=${m.axis})`;
  if (m instanceof Embedding) return `nn.Embedding(${m.numEmbeddings}, ${m.dim})`;
  if (m instanceof LayerNorm)
    return `nn.LayerNorm(${JSON.stringify(m.normalizedShape)}, eps=${py(m.eps)}, elementwise_affine=${py(m.weight !== null)})`;
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d)
    return `nn.${m.type}(${m.numFeatures}, eps=${py(m.eps)}, momentum=${py(m.momentum)}, affine=${py(m.weight !== null)})`;
  if (m instanceof LSTM || m instanceof GRU || m instanceof RNN) return recurrent(m, false, m.returnSequences);
  if (m instanceof Bidirectional) {
    if (m.forwardLayer.numLayers !== 1 || m.merge !== 'concat')
      throw new UnsupportedLayerError(
        OP,
        `layer '${path}': Bidirectional with ${m.forwardLayer.numLayers} layers per direction or merge '${m.merge}' has no torch equivalent`,
      );
    return recurrent(m.forwardLayer, true, m.returnSequences);
  }
  throw new UnsupportedLayerError(OP, `layer '${path}' of type ${m.type} has no torch equivalent here`);
}

/**
 * Python source defining `class <name>(nn.Sequential)`, the torch module equivalent to a lec
 * Sequential: the state_dict names of `toTorchStateDict(model)` are its own. Recurrent layers
 * become batch-first subclasses of nn.LSTM/GRU/RNN that return what lec returns.
 * @example
 * ```ts
 * const source = torchModuleSource(new Sequential([new Dense(4, 8, { seed: 0 }), new ReLU(), new Dense(8, 2, { seed: 0 })]));
 * source.includes('nn.Linear(4, 8, bias=True)'); // true
 * torchModuleSource(new Dense(2, 2)); // throws UnsupportedLayerError
 * ```
 */
export function torchModuleSource(model: Module<any, any>, options: { className?: string } = {}): string {
  if (!(model instanceof Sequential)) throw new UnsupportedLayerError(OP, `expected a Sequential model, got ${model.type}`);
  const name = options.className ?? 'LecModel';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new UnsupportedLayerError(OP, `option 'className' must be a Python identifier, got '${name}'`);
  const lines = model.layers.map((layer, i) => `            ${layerSource(String(i), layer)},`);
  const needsRecurrent = model.layers.some((l) => l instanceof LSTM || l instanceof GRU || l instanceof RNN || l instanceof Bidirectional);
  return `# Generated by @lec/interop torchModuleSource: the PyTorch equivalent of a lec Sequential.
# Images are NCHW here (lec: NHWC); sequences are batch-first in both.
import torch
from torch import nn
${needsRecurrent ? RECURRENT_HELPER : ''}

class ${name}(nn.Sequential):
    def __init__(self):
        super().__init__(
${lines.join('\n')}
        )
`;
}
