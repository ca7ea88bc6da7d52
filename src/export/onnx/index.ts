// ONNX export of the evaluation network.
export { DEFAULT_OPSET, exportOnnx, INPUT_NAME, ONNX_OPSETS, type OnnxExportOptions } from './export.js';
export { writeOnnx, type WriteOnnxOptions } from './write.js';
export { ONNX_OUTPUTS, parseOutputs, checkOutputs, type OnnxOutput } from './outputs.js';
export { ONNX_EXPORTERS, onnxExporter } from './families.js';
export type { OnnxFamilyExporter, OutputValues } from './family.js';
export { checkModel } from './check.js';
export { decodeModel, verifyModel, type ModelMessage } from './proto.js';
