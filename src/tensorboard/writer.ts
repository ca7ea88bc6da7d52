// An event file that TensorBoard reads: one TFRecord frame per Event, appended as it is
// written, so a killed run leaves a file that reads up to its last whole record.
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { histogramOf } from './histogram.js';
import { imageHeader } from './image-header.js';
import { DataType, encodeEvent, type EventMessage, type SummaryValueMessage } from './proto.js';
import { frameRecord } from './record.js';

export interface EventWriterOptions {
  /** Appended to the file name as it is (TensorBoard's filename_suffix), e.g. ".train". */
  suffix?: string;
  /** The first event's source_metadata.writer. */
  writerName?: string;
  /** Seconds since the epoch, for the file name and every event's wall_time. */
  clock?: () => number;
}

// Files opened by this process, the last part of the name as in TensorBoard's own writer:
// two writers opened in one second in one folder get two files.
let filesOpened = 0;

export class EventWriter {
  /** The event file: `<dir>/events.out.tfevents.<seconds>.<host>.<pid>.<n><suffix>`. */
  readonly path: string;
  readonly #dir: string;
  readonly #clock: () => number;
  #fd: number | null;
  #size = 0;
  #unsynced = false;
  #dirSynced = false;

  constructor(dir: string, options: EventWriterOptions = {}) {
    this.#dir = dir;
    this.#clock = options.clock ?? (() => Date.now() / 1000);
    const suffix = options.suffix ?? '';
    if (/[/\\\0]/.test(suffix)) throw new Error(`an event file's suffix is part of its name: ${JSON.stringify(suffix)}`);
    mkdirSync(dir, { recursive: true });
    const seconds = String(Math.floor(this.#clock())).padStart(10, '0');
    this.path = join(dir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${filesOpened++}${suffix}`);
    this.#fd = openSync(this.path, 'ax'); // appends only, and never onto another writer's file
    const first: EventMessage = {
      wall_time: this.#clock(),
      step: 0,
      file_version: 'brain.Event:2',
      source_metadata: { writer: options.writerName ?? 'diga' },
    };
    try {
      this.#append(first);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  scalar(tag: string, value: number, step: number): void {
    this.scalars([[tag, value]], step);
  }

  /** Several scalars of one step in one event (stored as float32, as simple_value is). */
  scalars(values: Iterable<readonly [string, number]> | Record<string, number>, step: number): void {
    const entries = Symbol.iterator in values ? [...(values as Iterable<readonly [string, number]>)] : Object.entries(values);
    this.summary(
      entries.map(([tag, value]) => {
        if (typeof value !== 'number') throw new TypeError(`scalar ${tag} is not a number`);
        return { tag, simple_value: value };
      }),
      step,
    );
  }

  /** A PNG or JPEG image; `width` and `height` must be the image's own. */
  image(tag: string, encoded: Uint8Array, width: number, height: number, step: number): void {
    const header = imageHeader(encoded);
    if (header.width !== width || header.height !== height)
      throw new Error(`image ${tag}: the image is ${header.width}x${header.height}, not ${width}x${height}`);
    this.summary([{ tag, image: { height, width, colorspace: header.colorspace, encoded_image_string: encoded } }], step);
  }

  /** Markdown for the text plugin: a one-element string tensor (as PyTorch's add_text writes
   * it) with the plugin's metadata, whose content (an empty TextPluginData) is left out. */
  text(tag: string, markdown: string, step: number): void {
    this.summary(
      [
        {
          tag,
          tensor: { dtype: DataType.DT_STRING, tensor_shape: { dim: [{ size: 1 }] }, string_val: [Buffer.from(markdown, 'utf8')] },
          metadata: { plugin_data: { plugin_name: 'text' } },
        },
      ],
      step,
    );
  }

  /** A histogram in TensorFlow's default buckets (histogram.ts); values must be finite. */
  histogram(tag: string, values: ArrayLike<number>, step: number): void {
    let histo;
    try {
      histo = histogramOf(values);
    } catch (e) {
      throw new RangeError(`histogram ${tag}: ${(e as Error).message}`);
    }
    this.summary([{ tag, histo }], step);
  }

  /** One event holding these summary values. */
  summary(values: SummaryValueMessage[], step: number): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a whole number >= 0, not ${step}`);
    if (values.length === 0) throw new RangeError('a summary needs at least one value');
    for (const v of values) if (typeof v.tag !== 'string' || v.tag === '') throw new TypeError('a summary needs a tag');
    this.#append({ wall_time: this.#clock(), step, summary: { value: values } });
  }

  /**
   * A session START at `step`: TensorBoard then drops the values earlier files of this run hold at
   * `step` and after, so a resumed run's steps replace those its predecessor logged past the
   * checkpoint it resumed from. Nothing is rewritten.
   */
  sessionStart(step: number, msg = ''): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a whole number >= 0, not ${step}`);
    this.#append({ wall_time: this.#clock(), step, session_log: { status: 1, ...(msg && { msg }) } });
  }

  /** Makes what was written durable (fsync); does nothing when nothing was written since. */
  flush(): void {
    const fd = this.#open();
    if (!this.#unsynced) return;
    fsyncSync(fd);
    if (!this.#dirSynced) {
      // The new file's name is durable only once its folder is synced.
      const dirFd = openSync(this.#dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
      this.#dirSynced = true;
    }
    this.#unsynced = false;
  }

  /** Flushes and closes the file; closing again does nothing. */
  close(): void {
    if (this.#fd === null) return;
    try {
      this.flush();
    } finally {
      closeSync(this.#fd);
      this.#fd = null;
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #open(): number {
    if (this.#fd === null) throw new Error(`${this.path} is closed`);
    return this.#fd;
  }

  #append(event: EventMessage): void {
    const fd = this.#open();
    const frame = frameRecord(encodeEvent(event));
    try {
      for (let done = 0; done < frame.length; ) done += writeSync(fd, frame, done, frame.length - done);
    } catch (e) {
      // A part-written record would make the next one unreadable: cut back to the last whole one.
      try {
        ftruncateSync(fd, this.#size);
      } catch {
        // the write's own error is the one to report
      }
      throw e;
    }
    this.#size += frame.length;
    this.#unsynced = true;
  }
}
