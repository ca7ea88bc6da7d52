// Which model families export to ONNX, and the refusal for one that does not.
import { describe, expect, test } from 'vitest';
import { exportOnnx, ONNX_EXPORTERS } from '../../src/export/onnx/index.js';
import { MODEL_FAMILIES, SegModel } from '../../src/models/index.js';

describe('ONNX exporters by family', () => {
  test('hrnet-ocr has one; deeplabv2 has none yet', () => {
    expect(MODEL_FAMILIES.map((f) => f.name)).toEqual(['hrnet-ocr', 'deeplabv2']);
    expect(Object.keys(ONNX_EXPORTERS)).toEqual(['hrnet-ocr']);
  });

  test('exporting a deeplabv2 model names the family', () => {
    const model = new SegModel('deeplabv2-tiny').eval();
    try {
      expect(() => exportOnnx(model)).toThrow(/no ONNX export for the model family deeplabv2; families with one: hrnet-ocr/);
    } finally {
      model.dispose();
    }
  });
});
