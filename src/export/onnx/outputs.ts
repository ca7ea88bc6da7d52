// The outputs an export can declare, by the names users give (--outputs main,aux,features)
// and the names they have in the ONNX graph.
import type { OutputValues } from './family.js';

export type OnnxOutput = 'main' | 'aux' | 'features';

export const ONNX_OUTPUTS: Readonly<Record<OnnxOutput, { graphName: string; key: keyof OutputValues<unknown>; what: string }>> = Object.freeze({
  main: { graphName: 'main', key: 'main', what: 'main logits' },
  aux: { graphName: 'aux', key: 'aux', what: 'auxiliary logits (soft object regions)' },
  features: { graphName: 'pixel_features', key: 'pixelFeatures', what: 'OCR pixel features' },
});

const isOutput = (s: string): s is OnnxOutput => Object.hasOwn(ONNX_OUTPUTS, s);

/** Checks a list of outputs (no repeats, at least one); `flag` names where it came from in errors. */
export function checkOutputs(list: readonly string[], flag = 'outputs'): OnnxOutput[] {
  if (list.length === 0) throw new Error(`${flag}: name at least one of ${Object.keys(ONNX_OUTPUTS).join(', ')}`);
  const seen = new Set<OnnxOutput>();
  for (const entry of list) {
    if (!isOutput(entry)) throw new Error(`${flag}: unknown output "${entry}"; known outputs: ${Object.keys(ONNX_OUTPUTS).join(', ')}`);
    if (seen.has(entry)) throw new Error(`${flag}: "${entry}" is listed twice`);
    seen.add(entry);
  }
  return [...seen];
}

/** "main,aux" → ['main', 'aux']. */
export function parseOutputs(text: string, flag = '--outputs'): OnnxOutput[] {
  return checkOutputs(text.split(',').map((s) => s.trim()).filter((s) => s !== ''), flag);
}
