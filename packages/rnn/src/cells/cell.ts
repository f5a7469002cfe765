/**
 * What the recurrent layers need from a cell. A cell's state is a list of tensors, the hidden
 * state h first ([h] for RNN and GRU, [h, c] for LSTM), each [batch, hidden].
 *
 * For speed the input projection x·W_x + b is split from the recurrence: a layer projects the
 * whole sequence with one large matrix product (`projectInputs`), then runs `step` per time
 * step, which only multiplies by the recurrent weights.
 */
import type { Module } from '@lec/nn';
import type { Tensor } from '@lec/tensor';

/** A recurrent state: [h] or [h, c], each [batch, hidden]. */
export type State = Tensor[];

export interface RecurrentCell extends Module<Tensor, Tensor> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Number of tensors in the state (1 or 2). */
  readonly stateSize: number;
  /** x [..., inputSize] → x·W_x + b [..., gates·hidden]. */
  projectInputs(x: Tensor): Tensor;
  /** One step from a projected input [batch, gates·hidden] and the previous state. */
  step(projected: Tensor, state: State): State;
  /** Zeros of the state's shape for a batch. */
  initialState(batch: number): State;
}
