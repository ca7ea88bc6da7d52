import { writeStateDict } from '../../src/checkpoint/index.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAll, writeFileAtomic } from '../../src/checkpoint/atomic.js';
import { tempDir } from './helpers.js';

describe('writeFileAtomic', () => {
  it('writes chunks and replaces an existing file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.bin');
    fs.writeFileSync(file, 'old');
    writeFileAtomic(file, [Buffer.from('new '), Buffer.from('content')]);
    expect(fs.readFileSync(file, 'utf8')).toBe('new content');
    expect(fs.readdirSync(dir)).toEqual(['out.bin']);
  });

  it('leaves the previous file intact and no temporary file when the writer throws midway', () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.safetensors');
    fs.writeFileSync(file, 'previous checkpoint');
    expect(() =>
      writeFileAtomic(file, (fd) => {
        writeAll(fd, Buffer.alloc(1 << 20, 1));
        throw new Error('interrupted');
      }),
    ).toThrow('interrupted');
    expect(fs.readFileSync(file, 'utf8')).toBe('previous checkpoint');
    expect(fs.readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('does not create the file when the first write fails', () => {
    const dir = tempDir();
    const file = path.join(dir, 'never.bin');
    expect(() =>
      writeFileAtomic(file, () => {
        throw new Error('no data');
      }),
    ).toThrow('no data');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('names the target and the missing folder, not the temporary file', () => {
    const file = path.join(tempDir(), 'missing', 'out.bin');
    expect(() => writeFileAtomic(file, [Buffer.from('x')])).toThrow(`cannot write ${file}: the folder ${path.dirname(file)} does not exist`);
    expect(() => writeFileAtomic(file, [Buffer.from('x')])).not.toThrow('.tmp');
  });

  it('names a folder in the way of the target as the cause', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'out.bin'));
    expect(() => writeFileAtomic(path.join(dir, 'out.bin'), [Buffer.from('x')])).toThrow(`cannot write ${path.join(dir, 'out.bin')}: ${path.join(dir, 'out.bin')} is a folder`);
    expect(fs.readdirSync(dir)).toEqual(['out.bin']);
  });

  it('says "cannot write" once when a checkpoint writer fails underneath', () => {
    const file = path.join(tempDir(), 'missing', 'w.safetensors');
    let message = '';
    try {
      writeStateDict(file, new Map([['a', { dtype: 'float32', shape: [1], data: Buffer.alloc(4) }]]));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.startsWith(`cannot write ${file}: `)).toBe(true);
    expect(message.split('cannot write').length - 1).toBe(1);
  });
});
