// diga's public API.
export * from './tensor/index.js';
export {
  CheckpointError,
  readPth,
  readPthObject,
  readSafetensors,
  readSafetensorsHeader,
  readStateDict,
  writeFileAtomic,
  writePth,
  writeSafetensors,
  writeStateDict,
  type RawStateDict,
  type RawTensor,
} from './checkpoint/index.js';
export { loadTensors, saveTensors, rawToTensor, tensorToRaw } from './checkpoint/tensors.js';
export * from './models/index.js';
export { loadPretrainedBackbone } from './models/hrnet-ocr/pretrained.js';
export {
  CityscapesDataset,
  createAdaptationLoader,
  createSequentialLoader,
  createTwoScaleLoader,
  openGta5,
  openSourceDataset,
  openSynthia,
  SourceDataset,
  TwoScaleSampler,
  Rng,
  CLASS_NAMES,
  PALETTE,
  LABEL_ID_TO_TRAIN_ID,
  NORMALISATION,
  generateDataset,
  writePseudoLabel,
  writeSampleGrid,
  type AdaptationConfig,
  type Batch,
  type ChannelOrder,
  type GenerateOptions,
  type SampleSource,
} from './data/index.js';
export { augmentedView, DIGA_PHOTOMETRIC, type PhotometricConfig } from './augment/photometric.js';
export { classMix } from './augment/classmix.js';
export { segLoss, mainAuxLoss } from './losses/segmentation.js';
export { symmetricDistillation, mainAuxDistillation } from './losses/distillation.js';
export { ohemCrossEntropy, type OhemOptions } from './losses/ohem.js';
export { lsganDiscriminatorLoss, lsganGeneratorLoss } from './losses/lsgan.js';
export { perceptualLoss, vggLoss } from './losses/perceptual.js';
export { edgeLoss, labelEdgeMask } from './losses/edge.js';
export { SGD, sgdGroups, type RepeatMode, type SGDGroup } from './optim/sgd.js';
export { Adam, type AdamState } from './optim/adam.js';
export { EmaTeacher } from './optim/ema.js';
export { polyLr, rampLr, scheduledLr, emaAlpha } from './optim/schedule.js';
export { ConfusionMatrix } from './metrics/confusion.js';
export { segmentationScores, type SegmentationScores } from './metrics/scores.js';
export { formatIouTable } from './metrics/table.js';
export { subsetMiou, subsetScores } from './metrics/subset-miou.js';
export { CentroidBank } from './centroids/bank.js';
export { classMeanVectors } from './centroids/class-means.js';
export { centroidWeights } from './centroids/weights.js';
export { consensusLabels } from './inference/consensus.js';
export { multiScaleLogits, multiScalePredict } from './inference/multiscale.js';
export { resolveConfig, readConfigFile } from './config/load.js';
export { PAPER, RUN_PRESETS } from './config/defaults.js';
export type { RunConfig, PartialRunConfig } from './config/schema.js';
export { runTranslate, type TranslateResult } from './stages/translate.js';
export { runWarmUp } from './stages/warm-up.js';
export { runStage, StageContext, type StageHooks } from './engine/context.js';
export { runPseudoLabel } from './stages/pseudo-label.js';
export { runCentroids } from './stages/centroids.js';
export { runSelfTrain } from './stages/self-train.js';
export { runEvaluate } from './stages/evaluate.js';
export { runPipeline, type PipelineResult } from './stages/pipeline.js';
export { buildReport } from './report/build-report.js';
export { renderReport } from './report/render/page.js';
export { writeReport, REPORT_FILE } from './report/write-report.js';
export type {
  Report, RunSection, StageTiming, ConfigEntry, TrainingStage, Series as ReportSeries, Points as ReportPoints, ClassSection, ClassColumn,
  PseudoLabelRound, ConsensusRound, DriftRound, SampleGrid, DistributedSection,
} from './report/types.js';
export { packageVersion } from './version.js';
export { evaluateModel, type EvaluationResult } from './inference/validation.js';
export { exportOnnx, writeOnnx, ONNX_OPSETS, ONNX_OUTPUTS, type OnnxExportOptions, type OnnxOutput, type WriteOnnxOptions } from './export/onnx/index.js';
export { uploadBatch, disposeBatch, type DeviceBatch } from './data/device-batch.js';
export { demoLists } from './config/defaults.js';
export { inferenceConvs, setWinograd, type InferenceConvs } from './inference/convolutions.js';
export { createPredictor, DEFAULT_MAX_PIXELS, ImageTooLargeError, Predictor, defaultScales, type Prediction, type PredictorOptions, type PredictInput } from './inference/predictor.js';
export { precisionName, resolveAmp, type AmpMode, type AmpUse } from './inference/forward.js';
export { runPredict, OUTPUT_KINDS, type OutputKind, type PredictRunOptions, type PredictSummary } from './stages/predict.js';
export { colourise, overlay, encodeRgb, encodePalettePng, encodeGreyPng } from './data/writers.js';
export { readImage, decodeImage, imageSize, readLabel, type ImageSize, type RgbImage, type LabelMap } from './data/images.js';
export { CITYSCAPES_16, CITYSCAPES_19, LABEL_SETS, labelSet, defineLabelSet, sourceLabelTable, type LabelSet, type SourceDatasetName } from './labels/index.js';
