// TensorBoard event files: written (EventWriter) and read back (readEvents, readEventDir).
export { crc32c, maskCrc, maskedCrc32c } from './crc32c.js';
export { histogramOf } from './histogram.js';
export {
  DataType,
  decodeEvent,
  encodeEvent,
  type EventMessage,
  type HistogramMessage,
  type ImageMessage,
  type SummaryMetadataMessage,
  type SummaryValueMessage,
  type TensorMessage,
} from './proto.js';
export { isEventFile, readEventDir, readEvents, type EventFile, type ReadEventsOptions } from './reader.js';
export { imageHeader, type ImageHeader } from './image-header.js';
export { frameRecord, walkRecords, type RawRecord, type RecordWalkEnd } from './record.js';
export { histogramsOf, imagesOf, scalarsOf, textsOf, type HistogramPoint, type ImagePoint, type ScalarPoint, type TextPoint } from './summaries.js';
export { EventWriter, type EventWriterOptions } from './writer.js';
