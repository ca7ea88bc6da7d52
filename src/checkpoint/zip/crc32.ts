import * as zlib from 'node:zlib';

// node:zlib has a native crc32 from Node 20.15; older Node 20 releases use the table below.
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** CRC-32 (the zip polynomial) of `data`, continuing from `previous` for data given in pieces. */
export function crc32(data: Uint8Array, previous = 0): number {
  if (native) return native(data, previous) >>> 0;
  return crc32Table(data, previous);
}

/** The portable implementation; exported so that tests can check it against the native one. */
export function crc32Table(data: Uint8Array, previous = 0): number {
  table ??= makeTable();
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
