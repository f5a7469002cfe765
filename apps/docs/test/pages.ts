/**
 * What the browser test expects of every page: the demos on it, how to start each (most run
 * on load; the training demos are started with their Train button) and what each must show.
 * `result` is the JSON the demo puts in its `data-result` attribute when done.
 */
import type { Page } from 'playwright-core';

export interface DemoExpectation {
  id: string;
  /** Seconds to wait for `data-status="done"`. */
  timeout: number;
  /** Runs before waiting (clicks, drawing). */
  start?: (page: Page) => Promise<void>;
  /** Returns undefined when the result is right, else what is wrong. */
  // biome-ignore lint/suspicious/noExplicitAny: each demo's result is its own JSON shape
  check: (result: any) => string | undefined;
}

export interface PageExpectation {
  path: string;
  /** Text the page must contain (its heading). */
  heading: string;
  demos: DemoExpectation[];
}

const clickAction = (id: string, action: string) => async (page: Page) => {
  await page.click(`[data-demo="${id}"] [data-action="${action}"]`);
};

function expect(condition: boolean, message: string): string | undefined {
  return condition ? undefined : message;
}

/** Points as fractions of the drawing canvas: [fx, fy], 0..1 from the top left. */
type Path = readonly (readonly [number, number])[];

/** Clears the MNIST demo's canvas and draws `strokes` with the mouse (one press per stroke), then clicks Classify. */
async function drawStrokes(page: Page, strokes: readonly Path[]): Promise<void> {
  await page.waitForSelector('[data-demo="mnist"] [data-ready="true"]', { timeout: 60_000 });
  const count = () =>
    page.evaluate(() => JSON.parse(document.querySelector('[data-demo="mnist"]')?.getAttribute('data-result') ?? '{}').count ?? 0);
  const before = await count();
  await page.click('[data-demo="mnist"] [data-action="clear"]');
  const canvas = page.locator('[data-demo="mnist"] canvas[data-role="draw"]');
  // centred, so that VitePress's fixed navigation bar does not cover the top of the canvas
  await canvas.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  const box = (await canvas.boundingBox())!;
  for (const stroke of strokes) {
    const points = stroke.map(([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height] as const);
    await page.mouse.move(points[0][0], points[0][1]);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(x, y);
    await page.mouse.up();
  }
  await page.click('[data-demo="mnist"] [data-action="classify"]');
  // the demo numbers its classifications: wait for this one's result
  await page.waitForFunction(
    (n) => (JSON.parse(document.querySelector('[data-demo="mnist"]')?.getAttribute('data-result') ?? '{}').count ?? 0) > n,
    before,
    { timeout: 30_000 },
  );
}

/** Picks a model in the MNIST demo's picker and waits until it is loaded. */
async function pickModel(page: Page, model: 'lec' | 'torch'): Promise<void> {
  await page.selectOption('[data-demo="mnist"] select[data-role="model"]', model);
  await page.waitForSelector(`[data-demo="mnist"] [data-model="${model}"][data-ready="true"]`, { timeout: 60_000 });
}

/** n + 1 points along a function t ∈ [0, 1] → [fx, fy]. */
const along = (n: number, f: (t: number) => readonly [number, number]): Path => Array.from({ length: n + 1 }, (_, i) => f(i / n));

/** A "1" as a mouse draws it: one vertical stroke, slightly slanted. */
const drawOne = (page: Page) => drawStrokes(page, [along(24, (t) => [0.52 - 0.04 * t, 0.18 + 0.64 * t])]);

/** A "7": a bar across the top, then a diagonal down to the lower left (one stroke). */
const drawSeven = (page: Page) =>
  drawStrokes(page, [[...along(12, (t) => [0.3 + 0.4 * t, 0.22]), ...along(20, (t) => [0.7 - 0.22 * t, 0.22 + 0.58 * t]).slice(1)]]);

/** A "0": an upright ellipse drawn round once, a little past its start. */
const drawZero = (page: Page) =>
  drawStrokes(page, [along(40, (t) => [0.5 + 0.17 * Math.sin(2 * Math.PI * 1.05 * t), 0.5 - 0.3 * Math.cos(2 * Math.PI * 1.05 * t)])]);

/** Waits until the caption demo has shown more than `before` results. */
async function captionCount(page: Page, before: number): Promise<void> {
  await page.waitForFunction(
    (n) => (JSON.parse(document.querySelector('[data-demo="caption"]')?.getAttribute('data-result') ?? '{}').count ?? 0) > n,
    before,
    { timeout: 30_000 },
  );
}

/** Draws `strokes` on the caption demo's canvas (fractions of its size), then clicks Caption. */
async function drawCaption(page: Page, strokes: readonly Path[]): Promise<void> {
  await page.waitForSelector('[data-demo="caption"] [data-ready="true"]', { timeout: 60_000 });
  const before = await page.evaluate(
    () => JSON.parse(document.querySelector('[data-demo="caption"]')?.getAttribute('data-result') ?? '{}').count ?? 0,
  );
  await page.click('[data-demo="caption"] [data-action="clear"]');
  const canvas = page.locator('[data-demo="caption"] canvas[data-role="draw"]');
  await canvas.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  const box = (await canvas.boundingBox())!;
  for (const stroke of strokes) {
    const points = stroke.map(([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height] as const);
    await page.mouse.move(points[0][0], points[0][1]);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(x, y);
    await page.mouse.up();
  }
  await page.click('[data-demo="caption"] [data-action="caption"]');
  await captionCount(page, before);
}

/** Beams as the caption demo reports them: 5, sorted by log-probability, all different. */
// biome-ignore lint/suspicious/noExplicitAny: the demo's JSON
const beamsOk = (r: any) =>
  expect(r.beams?.length === 5, `${r.beams?.length} beams`) ??
  expect(
    r.beams.every((b: { logProb: number }, i: number) => i === 0 || b.logProb <= r.beams[i - 1].logProb),
    'beams not sorted by log p',
  ) ??
  expect(new Set(r.beams.map((b: { caption: string }) => b.caption)).size === 5, 'repeated beams');

export const PAGES: PageExpectation[] = [
  { path: '/', heading: 'lec', demos: [] },
  {
    path: '/getting-started.html',
    heading: 'Getting started',
    demos: [{ id: 'getting-started', timeout: 60, check: (r) => expect(r.correct === 4, `XOR MLP got ${r.correct}/4`) }],
  },
  {
    path: '/guide/perceptron.html',
    heading: 'Perceptron and MLP',
    demos: [
      {
        id: 'perceptron',
        timeout: 60,
        check: (r) =>
          expect(r.XOR.mlp === 1, `MLP on XOR reached ${r.XOR.mlp}, not 100%`) ??
          expect(r.XOR.perceptron < 1, 'the perceptron solved XOR') ??
          expect(r.OR.perceptron === 1 && r.AND.perceptron === 1, `perceptron OR ${r.OR.perceptron}, AND ${r.AND.perceptron}`),
      },
    ],
  },
  {
    path: '/guide/cnn.html',
    heading: 'CNNs and LeNet-5',
    demos: [
      {
        id: 'receptive-field',
        timeout: 30,
        check: (r) =>
          expect(r.weightsPerDenseNeuron === 120000, `weights per dense neuron ${r.weightsPerDenseNeuron}`) ??
          expect(r.stack2 === 5 && r.stack3 === 7, `stacked 3x3 fields ${r.stack2}, ${r.stack3}`) ??
          expect(r.lenetField === 16, `LeNet field ${r.lenetField}`),
      },
      // Scripted "1", "7" and "0", classified by the weights trained at build time.
      ...(
        [
          [1, drawOne],
          [7, drawSeven],
          [0, drawZero],
        ] as const
      ).map(
        ([digit, draw]): DemoExpectation => ({
          id: 'mnist',
          timeout: 60,
          start: draw,
          check: (r) =>
            expect(
              r.digit === digit,
              `the drawn ${digit} was classified as ${r.digit} (${r.probabilities?.map((p: number) => p.toFixed(2))})`,
            ),
        }),
      ),
      // The same three drawings, classified by the LeNet-5 trained in PyTorch (@lec/interop's
      // deskewed fixture, loaded with fromTorchStateDict): a wrong conversion misreads them.
      ...(
        [
          [1, drawOne],
          [7, drawSeven],
          [0, drawZero],
        ] as const
      ).map(
        ([digit, draw], i): DemoExpectation => ({
          id: 'mnist',
          timeout: 60,
          start: async (page) => {
            if (i === 0) await pickModel(page, 'torch');
            await draw(page);
          },
          check: (r) =>
            expect(String(r.source).includes('trained in PyTorch'), `classified by ${r.source}, not the PyTorch model`) ??
            expect(
              r.digit === digit,
              `the PyTorch LeNet-5 classified the drawn ${digit} as ${r.digit} (${r.probabilities?.map((p: number) => p.toFixed(2))})`,
            ),
        }),
      ),
      // A fresh LeNet-5 trained in the page (3,000 digits, one epoch), then the same "1" again.
      {
        id: 'mnist-train',
        timeout: 180,
        start: clickAction('mnist-train', 'train'),
        check: (r) => expect(r.testAccuracy > 0.8, `in-page LeNet-5 test accuracy ${r.testAccuracy}`),
      },
      {
        id: 'mnist',
        timeout: 60,
        start: async (page) => {
          await drawOne(page);
          await page.waitForSelector('[data-demo="mnist"][data-result*="in this page"]', { timeout: 60_000 });
        },
        check: (r) => expect(r.digit === 1, `the page-trained model classified the drawn 1 as ${r.digit}`),
      },
    ],
  },
  {
    path: '/guide/probability.html',
    heading: 'Convolution as probability',
    demos: [
      {
        id: 'dice',
        timeout: 60,
        check: (r) =>
          expect(r.p7Text === '6/36', `P(sum = 7) shown as ${r.p7Text}`) ??
          expect(r.directZeros > 0 && r.logFinite, `direct zeros ${r.directZeros}, log space finite ${r.logFinite}`),
      },
    ],
  },
  {
    path: '/guide/rnn-forms.html',
    heading: 'RNN forms',
    demos: [
      {
        id: 'rnn-forms',
        timeout: 30,
        check: (r) =>
          expect(
            JSON.stringify(r) === JSON.stringify({ classifier: [4, 10], tagger: [3, 6, 2], generator: [2, 3, 12], seq2seq: [1, 3, 12] }),
            'shapes',
          ),
      },
    ],
  },
  {
    path: '/guide/dates.html',
    heading: 'Translating dates with attention',
    demos: [
      {
        id: 'dates',
        timeout: 60,
        // a person types a date through the page's input and presses Translate
        start: async (page) => {
          await page.waitForSelector('[data-demo="dates"][data-status="done"]', { timeout: 60_000 });
          await page.fill('[data-demo="dates"] [data-role="date-input"]', '3 mar 98');
          await page.click('[data-demo="dates"] [data-action="translate"]');
          await page.waitForFunction(
            () => (JSON.parse(document.querySelector('[data-demo="dates"]')?.getAttribute('data-result') ?? '{}').count ?? 0) >= 2,
            undefined,
            { timeout: 30_000 },
          );
        },
        check: (r) =>
          expect(r.input === '3 mar 98', `input ${r.input}`) ??
          expect(r.output === '1998-03-03', `translated to ${r.output}`) ??
          expect(r.attentionRowsSumToOne === true, 'attention rows do not sum to 1') ??
          // reading "98" for the year's last two digits: attention lands on the input's last characters
          expect(r.peakColumns[2] >= 6 && r.peakColumns[3] >= 6, `year attention peaks at ${r.peakColumns}`),
      },
    ],
  },
  {
    path: '/guide/captioning.html',
    heading: 'Image captioning: CNN → LSTM',
    demos: [
      // on load: the 24 test images (held-out digits) captioned, the first one shown with its beams
      {
        id: 'caption',
        timeout: 60,
        check: (r) =>
          expect(r.picks === 24 && r.picksCorrect >= 21, `${r.picksCorrect}/${r.picks} test images captioned right`) ??
          expect(r.source === 'test image 0', `shown ${r.source}`) ??
          beamsOk(r),
      },
      // a person picks another test image
      {
        id: 'caption',
        timeout: 30,
        start: async (page) => {
          await page.click('[data-demo="caption"] [data-pick="5"]');
          await captionCount(page, 1);
        },
        check: (r) => expect(r.source === 'test image 5' && typeof r.truth === 'string', `shown ${r.source}`) ?? beamsOk(r),
      },
      // a person draws "1 7" with the mouse: two digits with a gap, read as "one seven"
      {
        id: 'caption',
        timeout: 30,
        start: (page) =>
          drawCaption(page, [
            along(20, (t) => [0.3 - 0.01 * t, 0.15 + 0.7 * t]),
            [...along(10, (t) => [0.5 + 0.18 * t, 0.18]), ...along(20, (t) => [0.68 - 0.1 * t, 0.18 + 0.67 * t]).slice(1)],
          ]),
        check: (r) =>
          expect(r.source === 'drawing', `shown ${r.source}`) ??
          expect(r.greedy === 'one seven', `the drawn "1 7" was captioned "${r.greedy}"`) ??
          beamsOk(r),
      },
    ],
  },
  {
    path: '/guide/gradients.html',
    heading: 'Vanishing and exploding gradients',
    demos: [
      {
        id: 'gradients',
        timeout: 60,
        check: (r) =>
          expect(r.vanishing < 1e-6, `σ=0.5 ratio ${r.vanishing}`) ??
          expect(r.exploding > 1e3, `σ=2 ratio ${r.exploding}`) ??
          expect(Math.abs(r.clippedNorm - r.maxNorm) < 1e-3, `clipped norm ${r.clippedNorm}`),
      },
    ],
  },
  {
    path: '/guide/lstm.html',
    heading: 'LSTM vs RNN',
    demos: [
      {
        id: 'adding',
        timeout: 120,
        start: clickAction('adding', 'train'),
        check: (r) => expect(r.lstm < 0.05 && r.lstm < r.rnn / 2, `adding problem MSE: LSTM ${r.lstm}, RNN ${r.rnn}`),
      },
    ],
  },
  {
    path: '/guide/bidirectional.html',
    heading: 'Bidirectional RNNs',
    demos: [
      {
        id: 'bidirectional',
        timeout: 120,
        start: clickAction('bidirectional', 'train'),
        check: (r) => expect(r.bidirectional > 0.95 && r.unidirectional < 0.85, `accuracy: bi ${r.bidirectional}, uni ${r.unidirectional}`),
      },
    ],
  },
  {
    path: '/guide/tree-lstm.html',
    heading: 'Tree-LSTM',
    demos: [
      {
        id: 'tree-lstm',
        timeout: 120,
        start: clickAction('tree-lstm', 'train'),
        check: (r) => expect(r.mse < 0.25 * r.baseline, `Tree-LSTM MSE ${r.mse} vs baseline ${r.baseline}`),
      },
    ],
  },
  {
    path: '/guide/gcn.html',
    heading: 'Graph convolutional networks',
    demos: [
      { id: 'karate', timeout: 60, check: (r) => expect(r.accuracy >= 0.85, `karate accuracy ${r.accuracy} (karate data: ${r.karate})`) },
      {
        id: 'spectral',
        timeout: 30,
        check: (r) => expect(r.filteredError < 0.6 * r.noisyError, `filtered error ${r.filteredError} vs noisy ${r.noisyError}`),
      },
    ],
  },
  {
    path: '/guide/autoencoders.html',
    heading: 'Autoencoders, denoising, VAE',
    demos: [
      {
        id: 'autoencoders',
        timeout: 240,
        start: clickAction('autoencoders', 'train'),
        check: (r) =>
          expect(r.denoisingOnNoisyMse < r.noisyMse, `denoising AE ${r.denoisingOnNoisyMse} vs noisy input ${r.noisyMse}`) ??
          expect(r.autoencoderMse < 0.05, `autoencoder MSE ${r.autoencoderMse}`) ??
          expect(r.vaeLast < r.vaeFirst, `VAE -ELBO ${r.vaeFirst} → ${r.vaeLast}`),
      },
    ],
  },
  {
    path: '/guide/pca.html',
    heading: 'PCA vs linear autoencoder',
    demos: [
      {
        id: 'pca',
        timeout: 120,
        start: clickAction('pca', 'train'),
        check: (r) => expect(r.maxAngleDegrees < 5 && r.relativeGap < 0.05, `angle ${r.maxAngleDegrees}°, gap ${r.relativeGap}`),
      },
    ],
  },
  { path: '/guide/interop.html', heading: 'Interoperability', demos: [] },
  { path: '/benchmarks.html', heading: 'Benchmarks', demos: [] },
  { path: '/api-reference.html', heading: 'API reference', demos: [] },
  { path: '/api/index.html', heading: 'lec API', demos: [] },
];

export { clickAction, drawOne, drawStrokes, pickModel };
