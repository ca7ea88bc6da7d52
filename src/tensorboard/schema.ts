// The part of TensorBoard's event schema (tensorboard/compat/proto: event.proto, summary.proto,
// histogram.proto, tensor.proto, tensor_shape.proto, types.proto; all proto3) that scalars,
// images, text and histograms need, as a protobufjs JSON descriptor. Field numbers are the
// .proto files'. protobufjs takes a JSON descriptor's messages as proto3: repeated numbers
// packed, a field equal to its default left out, except oneof members, which are written when
// set (a scalar of 0 is a value). Left out here (audio, run metadata) is skipped
// unread.
import type { INamespace } from 'protobufjs';

const field = (type: string, id: number) => ({ type, id });
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

export const TENSORBOARD_SCHEMA: INamespace = {
  nested: {
    tensorboard: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['file_version', 'graph_def', 'summary', 'session_log', 'meta_graph_def'] } },
          fields: {
            wall_time: field('double', 1),
            step: field('int64', 2),
            file_version: field('string', 3),
            graph_def: field('bytes', 4),
            summary: field('Summary', 5),
            session_log: field('SessionLog', 7),
            meta_graph_def: field('bytes', 9),
            source_metadata: field('SourceMetadata', 10),
          },
        },
        // A START at step s tells TensorBoard to drop what earlier files hold at steps >= s:
        // how a resumed run replaces the steps its killed predecessor logged past its checkpoint.
        SessionLog: {
          fields: { status: field('SessionStatus', 1), checkpoint_path: field('string', 2), msg: field('string', 3) },
          nested: { SessionStatus: { values: { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } } },
        },
        SourceMetadata: {
          fields: { writer: field('string', 1) },
        },
        Summary: {
          fields: { value: repeated('Value', 1) },
          nested: {
            Image: {
              fields: {
                height: field('int32', 1),
                width: field('int32', 2),
                colorspace: field('int32', 3),
                encoded_image_string: field('bytes', 4),
              },
            },
            Value: {
              oneofs: { value: { oneof: ['simple_value', 'image', 'histo', 'tensor'] } },
              fields: {
                tag: field('string', 1),
                simple_value: field('float', 2),
                image: field('Image', 4),
                histo: field('HistogramProto', 5),
                node_name: field('string', 7),
                tensor: field('TensorProto', 8),
                metadata: field('SummaryMetadata', 9),
              },
            },
          },
        },
        SummaryMetadata: {
          fields: {
            plugin_data: field('PluginData', 1),
            display_name: field('string', 2),
            summary_description: field('string', 3),
            data_class: field('DataClass', 4),
          },
          nested: {
            PluginData: {
              fields: { plugin_name: field('string', 1), content: field('bytes', 2) },
            },
          },
        },
        DataClass: {
          values: { DATA_CLASS_UNKNOWN: 0, DATA_CLASS_SCALAR: 1, DATA_CLASS_TENSOR: 2, DATA_CLASS_BLOB_SEQUENCE: 3 },
        },
        HistogramProto: {
          fields: {
            min: field('double', 1),
            max: field('double', 2),
            num: field('double', 3),
            sum: field('double', 4),
            sum_squares: field('double', 5),
            bucket_limit: repeated('double', 6),
            bucket: repeated('double', 7),
          },
        },
        TensorProto: {
          fields: {
            dtype: field('DataType', 1),
            tensor_shape: field('TensorShapeProto', 2),
            version_number: field('int32', 3),
            tensor_content: field('bytes', 4),
            float_val: repeated('float', 5),
            double_val: repeated('double', 6),
            int_val: repeated('int32', 7),
            string_val: repeated('bytes', 8),
            int64_val: repeated('int64', 10),
            bool_val: repeated('bool', 11),
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dim', 2), unknown_rank: field('bool', 3) },
          nested: {
            Dim: { fields: { size: field('int64', 1), name: field('string', 2) } },
          },
        },
        // types.proto's DataType, the values a summary tensor uses.
        DataType: {
          values: { DT_INVALID: 0, DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_UINT8: 4, DT_STRING: 7, DT_INT64: 9, DT_BOOL: 10 },
        },
      },
    },
  },
};
