/**
 * The terminal progress bar of `fit`: `cli-progress`, loaded with a dynamic import only in
 * Node when stdout is a TTY, so browsers (and bundles for them) never load it.
 */

/** What `fit` reports progress to. */
export interface ProgressDisplay {
  startEpoch(epoch: number, epochs: number, batches: number): void;
  update(batch: number, loss: number): void;
  endEpoch(summary: string): void;
  stop(): void;
}

interface BarLike {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  stop(): void;
}

/** Whether we run in Node with stdout attached to a terminal. */
export function isNodeTty(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string }; stdout?: { isTTY?: boolean } } }).process;
  return Boolean(p?.versions?.node && p.stdout?.isTTY);
}

/**
 * A cli-progress bar when stdout is a TTY in Node, else undefined.
 * @example
 * ```ts
 * const display = await terminalProgress(); // undefined in a browser or under CI
 * (display === undefined) === !isNodeTty(); // true (a bar only on a terminal)
 * ```
 */
export async function terminalProgress(): Promise<ProgressDisplay | undefined> {
  if (!isNodeTty()) return undefined;
  let mod: { SingleBar: new (options: object, preset?: object) => BarLike; Presets: { shades_classic: object } };
  try {
    const imported = (await import('cli-progress')) as unknown as { default?: typeof mod } & typeof mod;
    mod = imported.default ?? imported;
  } catch {
    return undefined;
  }
  let bar: BarLike | undefined;
  const log = (line: string) =>
    (globalThis as unknown as { process: { stdout: { write(s: string): void } } }).process.stdout.write(`${line}\n`);
  return {
    startEpoch(epoch, epochs, batches) {
      bar = new mod.SingleBar(
        {
          format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} batches | loss {loss} | {eta}s left`,
          hideCursor: true,
          clearOnComplete: true,
        },
        mod.Presets.shades_classic,
      );
      bar.start(batches, 0, { loss: '-' });
    },
    update(batch, loss) {
      bar?.update(batch + 1, { loss: loss.toFixed(4) });
    },
    endEpoch(summary) {
      bar?.stop();
      bar = undefined;
      log(summary);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
