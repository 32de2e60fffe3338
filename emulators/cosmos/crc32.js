"use strict";
// CRC-32 (IEEE 802.3, the zlib polynomial), which RecordIO uses to checksum each record.
// zlib.crc32 only exists from Node 20.15/22.2 on, so a table-driven version is kept here.
const zlib = require("zlib");

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function tableCrc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i += 1) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const crc32 = typeof zlib.crc32 === "function" ? bytes => zlib.crc32(bytes) >>> 0 : tableCrc32;

module.exports = { crc32, tableCrc32 };
