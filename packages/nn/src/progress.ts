/**
 * What `fit` prints: the terminal progress bar (`cli-progress`, loaded with a dynamic import
 * only in Node when stdout is a TTY, so browsers and bundles for them never load it), or one
 * line per epoch (a log file, CI, a browser console).
 */

/** What `fit` reports progress to. */
export interface ProgressDisplay {
  startEpoch(epoch: number, epochs: number, batches: number): void;
  /** `loss`: the running mean of the epoch's loss so far. */
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
 * Writes one line: to Node's stdout, else to the console.
 * @example
 * ```ts
 * printLine('epoch 1/1: loss 0.1000 (0.01 s)'); // undefined (the line is printed)
 * ```
 */
export function printLine(line: string): void {
  const p = (globalThis as { process?: { versions?: { node?: string }; stdout?: { write(s: string): void } } }).process;
  if (p?.versions?.node && p.stdout) p.stdout.write(`${line}\n`);
  else console.log(line);
}

/**
 * A display that prints one line per epoch (loss, metrics, time) and nothing per batch:
 * `fit`'s `verbose: 2`, and what it prints when stdout is not a terminal.
 * @example
 * ```ts
 * const display = epochLinePrinter();
 * display.update(0, 0.5); // undefined (nothing per batch)
 * display.endEpoch('epoch 1/3: loss 0.5000 (0.10 s)'); // undefined (the line is printed)
 * ```
 */
export function epochLinePrinter(): ProgressDisplay {
  return {
    startEpoch() {},
    update() {},
    endEpoch(summary) {
      printLine(summary);
    },
    stop() {},
  };
}

/**
 * A cli-progress bar when stdout is a TTY in Node, else undefined. It shows the running mean
 * of the epoch's loss.
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
  return {
    startEpoch(epoch, epochs, batches) {
      bar = new mod.SingleBar(
        {
          format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} batches | mean loss {loss} | {eta}s left`,
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
      printLine(summary);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
