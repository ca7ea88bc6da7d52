import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, readPth, readPthObject, readSafetensors, readStateDict } from '../../src/checkpoint/index.js';
import { catchError, fixture, tempDir } from './helpers.js';

// Every broken input gives a CheckpointError that names the file; none may crash the process.

function expectCheckpointError(fn: () => unknown, file: string, message: RegExp): void {
  const err = catchError(fn);
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).path).toBe(file);
  expect(err.message).toContain(file);
  expect(err.message).toMatch(message);
}

function withBytes(name: string, bytes: Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  return file;
}

const FORMATS = ['tiny_state_dict.safetensors', 'tiny_state_dict_zip.pth', 'tiny_state_dict_legacy.pth'];

describe('checkpoint errors', () => {
  it('a missing file', () => {
    const file = path.join(tempDir(), 'nowhere.pth');
    for (const read of [readStateDict, readPth, readPthObject, readSafetensors]) {
      expectCheckpointError(() => read(file), file, /does not exist/);
    }
  });

  it('a folder', () => {
    const dir = tempDir();
    expectCheckpointError(() => readStateDict(dir), dir, /is not a file but a folder/);
  });

  it('an empty file', () => {
    const file = withBytes('empty.pth', Buffer.alloc(0));
    expectCheckpointError(() => readStateDict(file), file, /is empty/);
  });

  it('a file that is no checkpoint', () => {
    const file = withBytes('notes.pth', Buffer.from('just some text, not a checkpoint\n'));
    expectCheckpointError(() => readStateDict(file), file, /is not a safetensors or PyTorch checkpoint/);
    expectCheckpointError(() => readPth(file), file, /is not a safetensors or PyTorch checkpoint/);
  });

  it('a safetensors file given to readPth', () => {
    const file = fixture('tiny_state_dict.safetensors');
    expectCheckpointError(() => readPth(file), file, /is a safetensors file, not a PyTorch \.pth/);
  });

  it('a zip archive that is not a checkpoint', () => {
    // zipfile.ZipFile(...).writestr('empty/', '') in Python: a zip holding one empty folder.
    const zip = Buffer.from(
      '504b030414000000000065227c5d00000000000000000000000006000000656d7074792f504b0102140314000000000065227c5d000000000000000000000000060000000000000000001000fd4100000000656d7074792f504b0506000000000100010034000000240000000000',
      'hex',
    );
    const file = withBytes('other.zip', zip);
    expectCheckpointError(() => readStateDict(file), file, /zip archive without <name>\/data\.pkl/);
  });

  for (const name of FORMATS) {
    const full = fs.readFileSync(fixture(name));
    for (const keep of [0.999, 0.5, 0.01]) {
      it(`${name} cut to ${keep * 100}%`, () => {
        const file = withBytes(`cut-${name}`, full.subarray(0, Math.floor(full.byteLength * keep)));
        expectCheckpointError(() => readStateDict(file), file, /truncated/);
      });
    }
  }

  it('a corrupted byte in a stored zip entry fails its CRC check', () => {
    const bytes = Buffer.from(fs.readFileSync(fixture('tiny_state_dict_zip.pth')));
    bytes[70_000] ^= 0xff; // inside a storage record
    const file = withBytes('flipped.pth', bytes);
    expectCheckpointError(() => readPth(file), file, /fails its CRC-32 check/);
  });

  it('random bytes after a valid magic number', () => {
    let seed = 12345;
    const random = Buffer.alloc(4096).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    for (const head of [
      Buffer.from('PK\x03\x04', 'latin1'),
      fs.readFileSync(fixture('tiny_state_dict_legacy.pth')).subarray(0, 15),
    ]) {
      const file = withBytes('noise.pth', Buffer.concat([head, random]));
      expectCheckpointError(() => readStateDict(file), file, /./);
    }
  });

  it('a legacy pickle broken in the middle', () => {
    const bytes = Buffer.from(fs.readFileSync(fixture('tiny_state_dict_legacy.pth')));
    bytes[166] = 0xa7; // an EMPTY_TUPLE early in the state dict's pickle becomes a byte that is no opcode
    const file = withBytes('broken-legacy.pth', bytes);
    expectCheckpointError(() => readPth(file), file, /the pickled object at byte 166: opcode 0xa7 is not supported/);
  });
});
