import { nodeBackend } from '../test/node-backends.js';
const b = await nodeBackend('wasm');
console.log(b.info());
