// TensorBoard event files: CRC-32C and its mask, a file written by TensorBoard's own writer
// read to its listed values, our writer's records byte-for-byte like it (wall times aside),
// every kind of summary written and read back, cut and corrupt files, a run's files merged.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import {
  crc32c,
  decodeEvent,
  EventWriter,
  histogramsOf,
  imageHeader,
  imagesOf,
  maskCrc,
  maskedCrc32c,
  readEventDir,
  readEvents,
  scalarsOf,
  textsOf,
  walkRecords,
  type EventMessage,
} from '../../src/tensorboard/index.js';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tensorboard');
const expected = JSON.parse(readFileSync(join(FIXTURE_DIR, 'expected.json'), 'utf8')) as {
  file: string;
  expect: {
    scalars: Record<string, Array<[number, number]>>;
    images: Record<string, { step: number; height: number; width: number; png_bytes: number }>;
    texts: Record<string, string>;
    histograms: Record<string, unknown>;
  };
};
const FIXTURE = join(FIXTURE_DIR, expected.file);

const tmp = mkdtempSync(join(tmpdir(), 'diga-tensorboard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(tmp, `run-${dirs++}`);

/** The raw records of a file (each CRC checked by walkRecords). */
const recordsOf = (file: string) => [...walkRecords(file)];
const withoutWallTime = ({ wall_time: _, ...rest }: EventMessage) => rest;
/** Each of `text` as [step, value] lists per tag. */
const scalarLists = (events: EventMessage[]) =>
  Object.fromEntries([...scalarsOf(events)].map(([tag, points]) => [tag, points.map((p) => [p.step, p.value])]));

describe('CRC-32C', () => {
  test('known vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, of ones, ascending.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  test("TFRecord's mask: rotate right by 15, add 0xa282ead8, modulo 2^32", () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(1)).toBe(0xa284ead8); // 1 rotated right by 15 is 1 << 17
    expect(maskCrc(0x8000)).toBe(0xa282ead9); // bit 15 comes round to bit 0
    expect(maskCrc(0xffffffff)).toBe(0xa282ead7); // the sum wraps
    // The first record of TensorBoard's file: its length (72) and the masked CRC stored after it.
    const head = readFileSync(FIXTURE).subarray(0, 12);
    expect(head.readBigUInt64LE(0)).toBe(72n);
    expect(maskedCrc32c(head.subarray(0, 8))).toBe(head.readUInt32LE(8));
  });
});

describe("a file written by TensorBoard's own writer", () => {
  test('reads to exactly the values in expected.json', () => {
    const file = readEvents(FIXTURE);
    expect(file.truncated).toBe(false);
    expect(file.validBytes).toBe(statSync(FIXTURE).size);
    expect(file.events[0].file_version).toBe('brain.Event:2');
    expect(file.events.every((e) => e.wall_time > 1.7e9)).toBe(true);

    expect(scalarLists(file.events)).toEqual(expected.expect.scalars);

    const images = imagesOf(file.events);
    expect([...images.keys()]).toEqual(Object.keys(expected.expect.images));
    for (const [tag, want] of Object.entries(expected.expect.images)) {
      const [got, ...more] = images.get(tag)!;
      expect(more).toEqual([]);
      expect({ step: got.step, height: got.height, width: got.width, png_bytes: got.png.length }).toEqual(want);
      expect(got.colorspace).toBe(3);
      const png = Buffer.from(got.png);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([want.width, want.height]);
      expect(png.subarray(-8, -4).toString('latin1')).toBe('IEND');
    }

    const texts = textsOf(file.events);
    expect(Object.fromEntries([...texts].map(([tag, points]) => [tag, points.map((p) => p.text).join()]))).toEqual(expected.expect.texts);
    const textValue = file.events.flatMap((e) => e.summary?.value ?? []).find((v) => v.tag === 'run/command')!;
    expect(textValue.metadata?.plugin_data?.plugin_name).toBe('text');
    expect(textValue.tensor?.dtype).toBe(7);

    expect(Object.fromEntries(histogramsOf(file.events))).toEqual(expected.expect.histograms);
  });

  test("every record's data CRC is checked: a flipped byte in any record is an error at its offset", () => {
    const bytes = readFileSync(FIXTURE);
    const records = recordsOf(FIXTURE);
    expect(records).toHaveLength(8);
    for (const { offset, data } of records) {
      const bad = Buffer.from(bytes);
      bad[offset + 12 + (data.length >> 1)] ^= 0x01;
      const file = join(tmp, `flipped-${offset}.tfevents`);
      writeFileSync(file, bad);
      expect(() => readEvents(file)).toThrow(`${file}: record at byte ${offset}: data CRC mismatch`);
    }
  });
});

describe('our writer', () => {
  /** The fixture's summaries, written by our writer. */
  function writeLikeFixture(dir: string): string {
    const fixture = readEvents(FIXTURE).events;
    const png = imagesOf(fixture).get('images/grid')![0].png;
    const writer = new EventWriter(dir);
    const { 'loss/seg': loss, lr } = expected.expect.scalars;
    for (let i = 0; i < loss.length; i++) writer.scalars({ 'loss/seg': loss[i][1], lr: lr[i][1] }, i);
    writer.image('images/grid', png, 6, 4, 4);
    writer.text('run/command', expected.expect.texts['run/command'], 0);
    writer.close();
    return writer.path;
  }

  test("writes the fixture's summaries as TensorBoard's writer does: same events, same bytes but the wall times", () => {
    const ours = recordsOf(writeLikeFixture(freshDir()));
    const theirs = recordsOf(FIXTURE);
    expect(ours).toHaveLength(theirs.length);

    const [ourFirst, ...ourEvents] = ours.map((r) => decodeEvent(r.data));
    const [theirFirst, ...theirEvents] = theirs.map((r) => decodeEvent(r.data));
    // The first event names its writer, which differs; the rest of it must not.
    expect(Object.keys(ourFirst).sort()).toEqual(Object.keys(theirFirst).sort());
    expect({ ...withoutWallTime(ourFirst), source_metadata: null }).toEqual({ ...withoutWallTime(theirFirst), source_metadata: null });
    expect(ourFirst.source_metadata?.writer).toBe('diga');
    expect(ourEvents.map(withoutWallTime)).toEqual(theirEvents.map(withoutWallTime));

    // Every later record: wall_time (field 1, a double: tag byte 0x09 and 8 bytes) first, and
    // then the very same bytes (step, and the encoded Summary of scalars, image and text).
    for (let i = 1; i < theirs.length; i++) {
      expect(ours[i].data[0]).toBe(0x09);
      expect(theirs[i].data[0]).toBe(0x09);
      expect(ours[i].data.subarray(9).toString('hex')).toBe(theirs[i].data.subarray(9).toString('hex'));
    }
  });

  test('names its file as TensorBoard does and puts a wall time on every event', () => {
    let t = 1_700_000_000.25;
    const writer = new EventWriter(freshDir(), { suffix: '.train', clock: () => (t += 1) });
    writer.scalar('a', 1, 0);
    writer.close();
    expect(basename(writer.path)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.1700000001\\.${hostname()}\\.${process.pid}\\.\\d+\\.train$`));
    expect(readEvents(writer.path).events.map((e) => e.wall_time)).toEqual([1_700_000_002.25, 1_700_000_003.25]);
    // Seconds are ten digits, zero-padded, so that names sort as times do.
    const early = new EventWriter(freshDir(), { clock: () => 123_456_789.5 });
    early.close();
    expect(basename(early.path)).toMatch(/^events\.out\.tfevents\.0123456789\./);
  });

  test('every value written reads back: scalars, image, text, histogram', () => {
    const writer = new EventWriter(freshDir());
    writer.scalar('loss', 0, 0); // a zero is a value, not an absent one
    writer.scalar('loss', 0.1, 7);
    writer.scalars(new Map([['lr', -2.5e-4], ['loss', Number.NaN]]), 2 ** 40);
    const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) & 0xff);
    const png = encodePng({ width: 3, height: 2, data: rgba, channels: 4, depth: 8 });
    writer.image('pictures/sample', png, 3, 2, 9);
    const markdown = '# run\n\n| a | b |\n|---|---|\n| 1 | Öß → ✓ |';
    writer.text('notes', markdown, 3);
    const values = [-2.5, -1e-13, 0, 0, 1e-3, 0.5, 0.5, 3, 1e6];
    writer.histogram('weights', values, 5);
    writer.close();

    const { events, truncated } = readEvents(writer.path);
    expect(truncated).toBe(false);
    expect(events).toHaveLength(7);
    expect(scalarLists(events)).toEqual({
      loss: [[0, 0], [7, Math.fround(0.1)], [2 ** 40, Number.NaN]],
      lr: [[2 ** 40, Math.fround(-2.5e-4)]],
    });

    const [image] = imagesOf(events).get('pictures/sample')!;
    expect({ step: image.step, width: image.width, height: image.height, colorspace: image.colorspace }).toEqual({ step: 9, width: 3, height: 2, colorspace: 4 });
    expect(Buffer.from(image.png).equals(Buffer.from(png))).toBe(true);

    expect(textsOf(events).get('notes')).toEqual([expect.objectContaining({ step: 3, text: markdown })]);

    const [{ step, histogram: h }] = histogramsOf(events).get('weights')!;
    expect(step).toBe(5);
    expect([h.min, h.max, h.num]).toEqual([-2.5, 1e6, values.length]);
    expect(h.sum).toBe(values.reduce((a, b) => a + b, 0));
    expect(h.sum_squares).toBe(values.reduce((a, b) => a + b * b, 0));
    expect(h.bucket).toHaveLength(h.bucket_limit.length);
    expect(h.bucket_limit.at(-1)).toBe(Number.MAX_VALUE);
    // A run of empty buckets is written as one.
    expect(h.bucket.filter((c, i) => c === 0 && h.bucket[i + 1] === 0)).toEqual([]);
    // Each bucket holds the values from the previous limit (inclusive) to its own (exclusive).
    let previous = -Infinity;
    h.bucket_limit.forEach((limit, i) => {
      expect(limit).toBeGreaterThan(previous);
      expect(h.bucket[i]).toBe(values.filter((v) => v >= previous && v < limit).length);
      previous = limit;
    });
    // TensorFlow's default buckets: the zeros fall below 1e-12, 0.5 in a bucket 10% wide.
    const at = (v: number) => h.bucket_limit.findIndex((limit) => v < limit);
    expect(h.bucket_limit[at(0)]).toBe(1e-12);
    expect(h.bucket[at(0)]).toBe(2);
    expect(h.bucket_limit[at(0.5)] / h.bucket_limit[at(0.5) - 1]).toBeCloseTo(1.1, 12);
  });

  test("a tensor value's plugin is the one its tag was first given (writers may give it once)", () => {
    const writer = new EventWriter(freshDir());
    writer.text('notes', 'first', 1);
    writer.summary([{ tag: 'notes', tensor: { dtype: 7, tensor_shape: { dim: [{ size: 2 }] }, string_val: [Buffer.from('a'), Buffer.from('b')] } }], 2);
    // TensorFlow 2's scalars: rank-0 float tensors of the scalars plugin, as values or raw bytes.
    const double = Buffer.alloc(8);
    double.writeDoubleLE(0.125);
    writer.summary([{ tag: 'acc', tensor: { dtype: 1, float_val: [0.75] }, metadata: { plugin_data: { plugin_name: 'scalars' } } }], 1);
    writer.summary([{ tag: 'acc', tensor: { dtype: 2, tensor_content: double } }], 2);
    writer.summary([{ tag: 'other', tensor: { dtype: 1, float_val: [9] } }], 2); // no plugin: no scalar
    writer.close();
    const { events } = readEvents(writer.path);
    expect(textsOf(events).get('notes')!.map((p) => [p.step, p.text])).toEqual([[1, 'first'], [2, 'a\nb']]);
    expect(scalarLists(events)).toEqual({ acc: [[1, 0.75], [2, 0.125]] });
  });

  test('a JPEG (the sample grids) is an image summary too, its size read from its frame header', async () => {
    const jpeg = await sharp({ create: { width: 7, height: 5, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg().toBuffer();
    expect(imageHeader(jpeg)).toEqual({ width: 7, height: 5, colorspace: 3 });
    const writer = new EventWriter(freshDir());
    writer.image('grid', jpeg, 7, 5, 3);
    writer.close();
    const [shown] = imagesOf(readEvents(writer.path).events).get('grid')!;
    expect([shown.step, shown.width, shown.height, Buffer.from(shown.png).equals(jpeg)]).toEqual([3, 7, 5, true]);
    expect(() => imageHeader(jpeg.subarray(0, 4))).toThrow('the JPEG has no frame header');
  });

  test('refuses what TensorBoard could not show', () => {
    const writer = new EventWriter(freshDir());
    const png = encodePng({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 });
    expect(() => writer.image('i', png, 3, 2, 0)).toThrow('the image is 2x2, not 3x2');
    expect(() => writer.image('i', Buffer.from('GIF89a...............................'), 2, 2, 0)).toThrow('PNG or JPEG bytes; these are neither');
    expect(() => writer.histogram('h', [1, Number.POSITIVE_INFINITY], 0)).toThrow('histogram h: a histogram takes finite values; value 1 is Infinity');
    expect(() => writer.histogram('h', [], 0)).toThrow('at least one value');
    expect(() => writer.scalar('s', 1, -1)).toThrow('step must be a whole number');
    expect(() => writer.scalar('', 1, 0)).toThrow('a summary needs a tag');
    expect(() => writer.scalars({}, 0)).toThrow('at least one value');
    expect(() => new EventWriter(freshDir(), { suffix: '/../escape' })).toThrow("suffix is part of its name");
    writer.close();
    expect(readEvents(writer.path).events).toHaveLength(1); // nothing refused was written
    expect(() => writer.scalar('s', 1, 0)).toThrow('is closed');
    writer.close(); // closing twice does nothing
  });

  test('records are on disk at each write: a reader sees them while the writer is open; flush is repeatable', () => {
    const writer = new EventWriter(freshDir());
    writer.scalar('a', 1, 1);
    writer.flush();
    writer.flush();
    writer.scalar('a', 2, 2);
    expect(scalarLists(readEvents(writer.path).events)).toEqual({ a: [[1, 1], [2, 2]] });
    writer.close();
  });
});

describe('large files', () => {
  test('records across the 1 MiB read chunks, and one larger than a chunk, read back whole', () => {
    const writer = new EventWriter(freshDir());
    const side = 800;
    let seed = 1;
    const noise = Uint8Array.from({ length: side * side * 3 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
    const png = encodePng({ width: side, height: side, data: noise, channels: 3, depth: 8 });
    expect(png.length).toBeGreaterThan(1 << 20);
    for (let step = 0; step < 60_000; step++) {
      writer.scalar('loss', step / 7, step);
      if (step === 30_000) writer.image('big', png, side, side, step);
    }
    writer.close();
    expect(statSync(writer.path).size).toBeGreaterThan(4 << 20);
    const { events, truncated } = readEvents(writer.path);
    expect(truncated).toBe(false);
    const loss = scalarsOf(events).get('loss')!;
    expect(loss).toHaveLength(60_000);
    expect(loss.every((p, step) => p.step === step && p.value === Math.fround(step / 7))).toBe(true);
    expect(Buffer.from(imagesOf(events).get('big')![0].png).equals(Buffer.from(png))).toBe(true);
  });
});

describe('cut and corrupt files', () => {
  function writeSample(): { path: string; offsets: number[]; size: number } {
    const writer = new EventWriter(freshDir());
    for (let step = 0; step < 4; step++) writer.scalars({ loss: 1 / (step + 1), lr: 0.01 }, step);
    writer.text('note', 'the last record', 4);
    writer.close();
    return { path: writer.path, offsets: recordsOf(writer.path).map((r) => r.offset), size: statSync(writer.path).size };
  }

  test('a file cut anywhere inside its last record reads up to the record before, and says it was cut', () => {
    const { path, offsets, size } = writeSample();
    const bytes = readFileSync(path);
    const last = offsets.at(-1)!;
    const cut = join(tmp, 'cut.tfevents');
    for (let end = last + 1; end < size; end++) {
      writeFileSync(cut, bytes.subarray(0, end));
      const told: Array<[string, number]> = [];
      const file = readEvents(cut, { onTruncated: (p, valid) => told.push([p, valid]) });
      expect({ end, truncated: file.truncated, validBytes: file.validBytes, events: file.events.length }).toEqual({ end, truncated: true, validBytes: last, events: 5 });
      expect(told).toEqual([[cut, last]]);
    }
    // Cut at a record's end, it is a whole (shorter) file.
    truncateSync(path, last);
    const whole = readEvents(path);
    expect([whole.truncated, whole.events.length, textsOf(whole.events).size]).toEqual([false, 5, 0]);
  });

  test('a flipped byte is a CRC error that names the file and the record offset', () => {
    const { path, offsets } = writeSample();
    const bytes = readFileSync(path);
    const third = offsets[2];

    const data = Buffer.from(bytes);
    data[third + 12 + 3] ^= 0x40;
    writeFileSync(path, data);
    expect(() => readEvents(path)).toThrow(new RegExp(`^${path.replace(/[.]/g, '\\.')}: record at byte ${third}: data CRC mismatch \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\)`));

    const length = Buffer.from(bytes);
    length[third] ^= 0x01;
    writeFileSync(path, length);
    expect(() => readEvents(path)).toThrow(`${path}: record at byte ${third}: length CRC mismatch`);

    const crc = Buffer.from(bytes);
    crc[offsets[3] - 1] ^= 0x80; // the third record's data CRC itself
    writeFileSync(path, crc);
    expect(() => readEvents(path)).toThrow(`record at byte ${third}: data CRC mismatch`);
  });
});

describe("a run's folder", () => {
  test('its event files merge in file-name order, other files left out', () => {
    const dir = freshDir();
    // Opened second in time order (a resumed run) but created first on disk.
    const later = new EventWriter(dir, { clock: () => 1_800_000_000 });
    later.scalar('loss', 0.5, 10);
    later.close();
    const earlier = new EventWriter(dir, { clock: () => 1_700_000_000 });
    earlier.scalars({ loss: 2, lr: 0.1 }, 1);
    earlier.scalar('loss', 1, 5);
    earlier.close();
    writeFileSync(join(dir, 'notes.txt'), 'not events');
    mkdirSync(join(dir, 'events.out.tfevents.0000000001.elsewhere'));

    const run = readEventDir(dir);
    expect(run.files.map((f) => f.path)).toEqual([earlier.path, later.path]);
    expect(run.events).toHaveLength(2 + 3);
    expect(run.events.filter((e) => e.file_version)).toHaveLength(2);
    expect(scalarLists(run.events)).toEqual({ loss: [[1, 2], [5, 1], [10, 0.5]], lr: [[1, Math.fround(0.1)]] });
  });

  test('two writers opened in the same second in one folder write two files', () => {
    const dir = freshDir();
    const a = new EventWriter(dir, { clock: () => 1_700_000_000 });
    const b = new EventWriter(dir, { clock: () => 1_700_000_000 });
    a.scalar('x', 1, 1);
    b.scalar('x', 2, 2);
    a.close();
    b.close();
    expect(a.path).not.toBe(b.path);
    expect(readEventDir(dir).files.map((f) => f.events.length)).toEqual([2, 2]);
  });
});
