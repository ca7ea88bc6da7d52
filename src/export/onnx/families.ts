// Each model family's ONNX exporter, by family name (src/models/registry.ts lists the
// families; a new one adds its exporter here).
import { HRNET_OCR } from '../../models/hrnet-ocr/index.js';
import type { OnnxFamilyExporter } from './family.js';
import { HRNET_OCR_ONNX } from './hrnet-ocr.js';

export const ONNX_EXPORTERS: Readonly<Record<string, OnnxFamilyExporter>> = Object.freeze({
  [HRNET_OCR.name]: HRNET_OCR_ONNX as OnnxFamilyExporter,
});

export function onnxExporter(familyName: string): OnnxFamilyExporter {
  const exporter = Object.hasOwn(ONNX_EXPORTERS, familyName) ? ONNX_EXPORTERS[familyName] : undefined;
  if (!exporter) throw new Error(`no ONNX export for the model family ${familyName}; families with one: ${Object.keys(ONNX_EXPORTERS).join(', ')}`);
  return exporter;
}
