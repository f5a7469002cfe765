/**
 * A one-node ONNX model (float32 inputs/outputs with fixed shapes) for the onnxruntime peers,
 * written with @lec/interop's `onnxModel` (onnx-proto's protobuf messages).
 */
import { onnxModel } from '@lec/interop';

export type Attribute = number | number[];

export interface OneNodeModel {
  opType: string;
  inputs: { name: string; shape: number[] }[];
  output: { name: string; shape: number[] };
  attributes?: Record<string, Attribute>;
  opset?: number;
}

export function oneNodeModel(spec: OneNodeModel): Uint8Array {
  return onnxModel({
    nodes: [
      {
        op: spec.opType,
        name: `${spec.opType.toLowerCase()}0`,
        inputs: spec.inputs.map((i) => i.name),
        outputs: [spec.output.name],
        attributes: spec.attributes,
      },
    ],
    inputs: spec.inputs,
    outputs: [spec.output],
    opset: spec.opset ?? 13,
    producer: 'lec-bench',
    graphName: `${spec.opType.toLowerCase()}-graph`,
  });
}
