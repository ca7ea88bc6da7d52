// The data pipeline's public surface: labels, lists, decoding, datasets, transforms, sampling,
// loading, writing, and the synthetic street-scene generator.
export * from '../labels/cityscapes.js';
export * from './adaptation.js';
export * from './adaptation-loader.js';
export * from './dataset.js';
export * from './images.js';
export * from './lists.js';
export * from './loader.js';
export * from './normalise.js';
export * from './prefetch.js';
export * from './random.js';
export * from './redraw.js';
export * from './sample-source.js';
export * from './sampler.js';
export * from './source/index.js';
export * from './transforms.js';
export * from './writers.js';
export { generateDataset, splitName, type GenerateOptions, type GenerateSummary } from './synthetic/generate.js';
export { generateSourceDataset, sourceImageName, type GenerateSourceOptions, type GenerateSourceSummary } from './synthetic/generate-source.js';
export { renderScene, type Scene, type SceneOptions } from './synthetic/scene.js';
export { SHIFT_NAMES, type LookName, type ShiftName } from './synthetic/style.js';
