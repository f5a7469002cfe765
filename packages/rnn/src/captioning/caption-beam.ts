/**
 * Beam search for the captioner's decoder, batched over images: every image keeps
 * `beamWidth` partial captions; each step extends every unfinished one by every word, scores
 * them by the summed log-probability log p(w_1..w_t | image) = Σ log p(w_i | w_<i, image), and
 * keeps the best `beamWidth` per image. A caption that emits EOS is finished: it stays in the
 * beam with its score (EOS's log-probability included) and competes with the longer ones.
 * Beam width 1 is greedy decoding.
 */
import { type Tensor, gather, logSoftmax, tensor, tidy } from '@lec/tensor';
import type { State } from '../cells/cell.js';

/** What beam search needs from a decoder. */
export interface StepDecoder {
  readonly tokens: { bos: number; eos: number };
  startState(codes: Tensor): State;
  decodeStep(previous: Tensor, state: State): { logits: Tensor; state: State };
}

/** One caption found by beam search. */
export interface BeamHypothesis {
  /** Token ids, without BOS and EOS. */
  tokens: number[];
  /** log p(caption | image), EOS included when the caption finished. */
  logProb: number;
  /** Whether the caption ended with EOS (false: cut at maxLength). */
  finished: boolean;
}

interface Candidate {
  score: number;
  from: number;
  token: number;
}

/** @internal The batched beam search behind ImageCaptioner.beamSearch. */
export function beamDecode(decoder: StepDecoder, codes: Tensor, beamWidth: number, maxLength: number): BeamHypothesis[][] {
  const n = codes.shape[0];
  const k = beamWidth;
  const rows = n * k;
  const { bos, eos } = decoder.tokens;
  return tidy(() => {
    const repeat = tensor(
      Int32Array.from({ length: rows }, (_, i) => Math.floor(i / k)),
      [rows],
      { dtype: 'int32' },
    );
    let state = decoder.startState(gather(codes, repeat));
    // only the first beam of every image is live at the start, so the beams do not repeat
    let scores = Float64Array.from({ length: rows }, (_, i) => (i % k === 0 ? 0 : Number.NEGATIVE_INFINITY));
    let tokens: number[][] = Array.from({ length: rows }, () => []);
    let finished = new Array<boolean>(rows).fill(false);
    let previous = new Int32Array(rows).fill(bos);
    for (let t = 0; t < maxLength; t++) {
      if (finished.every((f, i) => f || scores[i] === Number.NEGATIVE_INFINITY)) break;
      const { logits, state: next } = decoder.decodeStep(tensor(previous, [rows], { dtype: 'int32' }), state);
      const logp = logSoftmax(logits, 1).dataSync();
      const vocab = logp.length / rows;
      const sources = new Int32Array(rows);
      const nextScores = new Float64Array(rows).fill(Number.NEGATIVE_INFINITY);
      const nextTokens: number[][] = Array.from({ length: rows }, () => []);
      const nextFinished = new Array<boolean>(rows).fill(true);
      const nextPrevious = new Int32Array(rows).fill(eos);
      for (let b = 0; b < n; b++) {
        const candidates: Candidate[] = [];
        for (let j = b * k; j < (b + 1) * k; j++) {
          if (scores[j] === Number.NEGATIVE_INFINITY) continue;
          if (finished[j]) candidates.push({ score: scores[j], from: j, token: -1 });
          else for (let v = 0; v < vocab; v++) candidates.push({ score: scores[j] + logp[j * vocab + v], from: j, token: v });
        }
        candidates.sort((x, y) => y.score - x.score);
        for (let j = 0; j < k; j++) {
          const row = b * k + j;
          const c = candidates[j];
          sources[row] = c ? c.from : b * k;
          if (!c) continue;
          nextScores[row] = c.score;
          nextFinished[row] = c.token === -1 || c.token === eos;
          nextTokens[row] = nextFinished[row] ? tokens[c.from] : [...tokens[c.from], c.token];
          if (!nextFinished[row]) nextPrevious[row] = c.token;
        }
      }
      const from = tensor(sources, [rows], { dtype: 'int32' });
      state = next.map((s) => gather(s, from));
      scores = nextScores;
      tokens = nextTokens;
      finished = nextFinished;
      previous = nextPrevious;
    }
    return Array.from({ length: n }, (_, b) => {
      const beams: BeamHypothesis[] = [];
      for (let j = b * k; j < (b + 1) * k; j++)
        if (scores[j] > Number.NEGATIVE_INFINITY) beams.push({ tokens: tokens[j], logProb: scores[j], finished: finished[j] });
      return beams.sort((x, y) => y.logProb - x.logProb);
    });
  });
}
