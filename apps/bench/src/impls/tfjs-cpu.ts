/** Peer: @tensorflow/tfjs-backend-cpu 4.22 (plain JS kernels, one thread). */
import type { ImplFactory } from '../harness/types.js';
import { TfjsImpl, loadTfjsCore } from './tfjs-common.js';

class TfjsCpu extends TfjsImpl {
  readonly name = 'tfjs-cpu';
  readonly threads = 1;
  protected readonly backendName = 'cpu';

  async setup(): Promise<void> {
    this.tf = await loadTfjsCore();
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await this.tf.setBackend('cpu'))) throw new Error('tfjs-backend-cpu did not initialise');
  }

  /** Its filter gradient runs at ~0.03 GFLOP/s: seconds per call. Skipped in --quick. */
  skipReason(suite: string, caseId: string, quick: boolean): string | null {
    if (quick && suite === 'conv' && caseId.includes('backprop-filter'))
      return "skipped in --quick: tfjs-cpu's Conv2DBackpropFilter runs at ~0.03 GFLOP/s";
    return null;
  }
}

export const tfjsCpu: ImplFactory = { family: 'tfjs-cpu', create: () => [new TfjsCpu()] };
