/**
 * Writes a one-node ONNX model (float32 inputs/outputs with fixed shapes), using the field
 * numbers of onnx.proto: ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8},
 * GraphProto{node=1, name=2, input=11, output=12}, NodeProto{input=1, output=2, name=3,
 * op_type=4, attribute=5}, AttributeProto{name=1, i=3, ints=8, type=20},
 * ValueInfoProto{name=1, type=2}, TypeProto{tensor_type=1}, Tensor{elem_type=1, shape=2},
 * TensorShapeProto{dim=1}, Dimension{dim_value=1}.
 */
import { ProtoWriter } from './protobuf.js';

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2;
const ATTR_INTS = 7;

export type Attribute = number | number[];

export interface OneNodeModel {
  opType: string;
  inputs: { name: string; shape: number[] }[];
  output: { name: string; shape: number[] };
  attributes?: Record<string, Attribute>;
  opset?: number;
}

function valueInfo(w: ProtoWriter, name: string, shape: number[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

export function oneNodeModel(spec: OneNodeModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version 8
  w.string(2, 'lec-bench');
  w.message(7, (g) => {
    g.message(1, (node) => {
      for (const i of spec.inputs) node.string(1, i.name);
      node.string(2, spec.output.name);
      node.string(3, `${spec.opType.toLowerCase()}0`);
      node.string(4, spec.opType);
      for (const [name, v] of Object.entries(spec.attributes ?? {})) {
        node.message(5, (a) => {
          a.string(1, name);
          if (Array.isArray(v)) {
            for (const x of v) a.int(8, x);
            a.int(20, ATTR_INTS);
          } else {
            a.int(3, v);
            a.int(20, ATTR_INT);
          }
        });
      }
    });
    g.string(2, `${spec.opType.toLowerCase()}-graph`);
    for (const i of spec.inputs) g.message(11, (v) => valueInfo(v, i.name, i.shape));
    g.message(12, (v) => valueInfo(v, spec.output.name, spec.output.shape));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, spec.opset ?? 13);
  });
  return w.finish();
}
