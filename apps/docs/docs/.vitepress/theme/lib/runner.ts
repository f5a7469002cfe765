/**
 * What every demo shares: a status the test reads (`data-status` on the demo's root: idle,
 * running, done, stopped, error), a progress line, a Stop button (an AbortSignal the
 * training loop checks), and a `pause()` that yields to the browser so the page repaints.
 */
import { ref } from 'vue';
import { useLecBackend } from './backend';

export type DemoStatus = 'idle' | 'running' | 'done' | 'stopped' | 'error';

/** Lets the browser repaint and handle clicks (the Stop button) between training steps. */
export function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function useRunner() {
  const status = ref<DemoStatus>('idle');
  const progress = ref('');
  const backend = ref('');
  let controller: AbortController | undefined;

  async function run(task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (status.value === 'running') return;
    controller = new AbortController();
    status.value = 'running';
    try {
      backend.value = await useLecBackend();
      await pause();
      await task(controller.signal);
      status.value = controller.signal.aborted ? 'stopped' : 'done';
    } catch (error) {
      status.value = 'error';
      progress.value = `error: ${(error as Error).message}`;
      console.error(error);
    }
  }

  function stop(): void {
    controller?.abort();
  }

  return { status, progress, backend, run, stop };
}
