/**
 * conv: 2-D convolution, NHWC input, [kh,kw,cin,cout] filter, stride 1, 'same' padding:
 * forward, and the two backward passes (input gradient, filter gradient) where an impl has
 * them. Shapes: LeNet-5's two convolutions at batch 64, a ResNet-style 3×3×64 layer at
 * batch 1, and a CIFAR first layer at batch 32.
 */
import { data } from '../harness/data.js';
import { conv2dBackpropFilterRef, conv2dBackpropInputRef, conv2dRef, convGeometry } from '../harness/reference.js';
import { referenceOf } from '../harness/run-case.js';
import type { ConvPass, ConvProblem, Suite, SuiteContext } from '../harness/types.js';
import { runOnImpls } from './common.js';

const PASSES: { pass: ConvPass; id: string }[] = [
  { pass: 'forward', id: 'forward' },
  { pass: 'backpropInput', id: 'backprop-input' },
  { pass: 'backpropFilter', id: 'backprop-filter' },
];

function shape(batch: number, h: number, w: number, cin: number, k: number, cout: number): ConvProblem {
  return { batch, height: h, width: w, inChannels: cin, outChannels: cout, kernelHeight: k, kernelWidth: k, stride: 1, padding: 'same' };
}

export function convShapes(ctx: Pick<SuiteContext, 'tiny'>): ConvProblem[] {
  if (ctx.tiny) return [shape(2, 5, 5, 2, 3, 3)];
  return [shape(64, 28, 28, 1, 5, 6), shape(64, 14, 14, 6, 5, 16), shape(1, 56, 56, 64, 3, 64), shape(32, 32, 32, 3, 3, 32)];
}

export function convLabel(p: ConvProblem): string {
  return `N${p.batch} ${p.height}x${p.width}x${p.inChannels} k${p.kernelHeight}x${p.kernelWidth}→${p.outChannels}`;
}

export const conv: Suite = {
  name: 'conv',
  description: 'conv2d NHWC stride 1 same: forward, input gradient, filter gradient (GFLOP/s)',
  steps: (ctx) => convShapes(ctx).length * PASSES.length * ctx.impls.length,
  async run(ctx) {
    let seed = 100;
    for (const p of convShapes(ctx)) {
      const g = convGeometry(p);
      const x = data(p.batch * p.height * p.width * p.inChannels, seed++);
      const w = data(p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels, seed++);
      const dy = data(p.batch * g.oh * g.ow * p.outChannels, seed++);
      const taps = p.kernelHeight * p.kernelWidth;
      const flops = 2 * p.batch * g.oh * g.ow * p.outChannels * taps * p.inChannels;
      for (const { pass, id } of PASSES) {
        const [first, second] = pass === 'forward' ? [x, w] : pass === 'backpropInput' ? [dy, w] : [x, dy];
        const reference = pass === 'forward' ? conv2dRef : pass === 'backpropInput' ? conv2dBackpropInputRef : conv2dBackpropFilterRef;
        const k = pass === 'forward' ? taps * p.inChannels : pass === 'backpropInput' ? taps * p.outChannels : p.batch * g.oh * g.ow;
        const spec = {
          suite: 'conv',
          caseId: `${id} ${convLabel(p)}`,
          flops,
          k,
          expected: referenceOf((u, v) => reference(p, u, v), first, second),
          metrics: {
            pass: id,
            batch: p.batch,
            height: p.height,
            width: p.width,
            inChannels: p.inChannels,
            outChannels: p.outChannels,
            kernel: p.kernelHeight,
          },
        };
        await runOnImpls(
          ctx,
          spec,
          (impl) => (impl.conv2d ? () => impl.conv2d!(p, pass, first, second) : undefined),
          'no conv2d in this impl',
        );
      }
    }
  },
};
