// The part of the ONNX protobuf schema (onnx.proto, IR version 8-10) that an exported
// network needs, as a protobufjs JSON descriptor. Field numbers are the specification's;
// fields left out (sparse tensors, functions, training info, sequence and map types)
// are never written, and a reader skips unknown fields, so the subset decodes as it is.
import type { INamespace } from 'protobufjs';

const string = (id: number) => ({ type: 'string', id });
const int64 = (id: number) => ({ type: 'int64', id });
const int32 = (id: number) => ({ type: 'int32', id });
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

export const ONNX_SCHEMA: INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: int64(1),
            producer_name: string(2),
            producer_version: string(3),
            domain: string(4),
            model_version: int64(5),
            doc_string: string(6),
            graph: { type: 'GraphProto', id: 7 },
            opset_import: repeated('OperatorSetIdProto', 8),
            metadata_props: repeated('StringStringEntryProto', 14),
          },
        },
        // ModelProto with only its metadata: a reader of this type skips the graph (and its weights) unread.
        ModelMetadataProto: {
          fields: { metadata_props: repeated('StringStringEntryProto', 14) },
        },
        OperatorSetIdProto: {
          fields: { domain: string(1), version: int64(2) },
        },
        StringStringEntryProto: {
          fields: { key: string(1), value: string(2) },
        },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: string(2),
            initializer: repeated('TensorProto', 5),
            doc_string: string(10),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
            value_info: repeated('ValueInfoProto', 13),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: string(3),
            op_type: string(4),
            attribute: repeated('AttributeProto', 5),
            doc_string: string(6),
            domain: string(7),
          },
        },
        AttributeProto: {
          fields: {
            name: string(1),
            f: { type: 'float', id: 2 },
            i: int64(3),
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: repeated('float', 7),
            ints: repeated('int64', 8),
            strings: repeated('bytes', 9),
            tensors: repeated('TensorProto', 10),
            doc_string: string(13),
            type: { type: 'AttributeType', id: 20 },
          },
          nested: {
            AttributeType: {
              values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9 },
            },
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1),
            data_type: int32(2),
            float_data: repeated('float', 4),
            int32_data: repeated('int32', 5),
            int64_data: repeated('int64', 7),
            name: string(8),
            raw_data: { type: 'bytes', id: 9 },
            double_data: repeated('double', 10),
            doc_string: string(12),
          },
          nested: {
            DataType: {
              values: { UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 },
            },
          },
        },
        ValueInfoProto: {
          fields: { name: string(1), type: { type: 'TypeProto', id: 2 }, doc_string: string(3) },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: { type: 'Tensor', id: 1 }, denotation: string(6) },
          nested: {
            Tensor: {
              fields: { elem_type: int32(1), shape: { type: 'TensorShapeProto', id: 2 } },
            },
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: int64(1), dim_param: string(2), denotation: string(3) },
            },
          },
        },
      },
    },
  },
};
