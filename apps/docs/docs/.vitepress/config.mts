import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

// The guides follow the lectures; every guide has its maths, the API it uses and a live demo.
const guides = [
  { text: 'Perceptron and MLP', link: '/guide/perceptron' },
  { text: 'CNNs and LeNet-5', link: '/guide/cnn' },
  { text: 'Convolution as probability', link: '/guide/probability' },
  { text: 'Graph convolutional networks', link: '/guide/gcn' },
  { text: 'RNN forms', link: '/guide/rnn-forms' },
  { text: 'Vanishing and exploding gradients', link: '/guide/gradients' },
  { text: 'LSTM vs RNN: the adding problem', link: '/guide/lstm' },
  { text: 'Bidirectional RNNs', link: '/guide/bidirectional' },
  { text: 'Tree-LSTM', link: '/guide/tree-lstm' },
  { text: 'Translating dates with attention', link: '/guide/dates' },
  { text: 'Image captioning: CNN → LSTM', link: '/guide/captioning' },
  { text: 'Autoencoders, denoising, VAE', link: '/guide/autoencoders' },
  { text: 'PCA vs linear autoencoder', link: '/guide/pca' },
  { text: 'Interoperability: PyTorch, TensorFlow.js, ONNX', link: '/guide/interop' },
];

export default defineConfig({
  title: 'lec',
  description: 'A TypeScript deep-learning toolkit for the classic architectures, with live demos',
  // Relative asset paths are not needed: the site is served from the root (see scripts/serve.mjs).
  cleanUrls: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  markdown: { math: true },
  // docs/_generated/ holds fragments the build writes (the benchmark tables), included by pages.
  srcExclude: ['_generated/**'],
  // The API reference is TypeDoc HTML written into dist/api after the VitePress build.
  ignoreDeadLinks: [/^\/api\//, /^\.\/api\//],
  vite: {
    resolve: { alias: { 'cli-progress': fileURLToPath(new URL('./stubs/cli-progress.ts', import.meta.url)) } },
    // The demos import the workspace packages' built ESM (dist/); let Vite bundle them.
    build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
    optimizeDeps: { esbuildOptions: { target: 'es2022' } },
    esbuild: { target: 'es2022' },
    // COOP/COEP in the dev server too, so wasm threads could start (crossOriginIsolated).
    server: {
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  },
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Guides', link: '/guide/perceptron' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      { text: 'Introduction', items: [{ text: 'Getting started', link: '/getting-started' }] },
      { text: 'Guides', items: guides },
      {
        text: 'Reference',
        items: [
          { text: 'API (TypeDoc)', link: '/api-reference' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
    ],
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
