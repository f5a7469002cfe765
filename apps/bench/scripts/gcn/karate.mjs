#!/usr/bin/env node
// Karate club with only nodes 0 and 33 labelled: accuracy on the other 32 and the 2-D
// embedding (JSON, one [x, y, faction, predicted] per node) for plotting.
//   node apps/bench/scripts/gcn/karate.mjs [--seed 0] [--out karate.json]
import { writeFileSync } from 'node:fs';
import { loadKarate, trainKarate } from '@lec/gcn';
import { arg } from './common.mjs';

const club = loadKarate(); // shipped in @lec/datasets
const r = trainKarate(club, { seed: Number(arg('seed', '0')) });
const wrong = [];
for (let i = 1; i < 33; i++) if (r.predictions[i] !== club.labels[i]) wrong.push(i);
console.log(
  `accuracy on the 32 unlabelled members: ${(100 * r.accuracy).toFixed(1)} % (${32 - wrong.length}/32); misclassified: ${wrong.join(', ') || 'none'}`,
);
const points = r.coordinates.map(([x, y], i) => [x, y, club.labels[i], r.predictions[i]]);
const out = arg('out');
if (out) writeFileSync(out, JSON.stringify({ classNames: club.classNames, points }));
else console.log(JSON.stringify(points.map((p) => p.map((v) => +v.toFixed(4)))));
