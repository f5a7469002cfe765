/**
 * The suite registry. To add a suite: write src/suites/NAME.ts exporting a `Suite` and add
 * it to this list (order = run order).
 */
import type { Suite } from '../harness/types.js';
import { autoencoder } from './autoencoder.js';
import { conv } from './conv.js';
import { gcn } from './gcn.js';
import { gemm } from './gemm.js';
import { lenet } from './lenet.js';
import { lstm } from './lstm.js';
import { pca } from './pca.js';
import { peak } from './peak.js';

export const suites: Suite[] = [peak, gemm, conv, lenet, lstm, gcn, autoencoder, pca];
