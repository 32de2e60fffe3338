"use strict";
// Effective partition keys (EPK): the hashes the service orders partition key values by. The SDK
// sends an EPK range (`x-ms-start-epk`, `x-ms-end-epk`) instead of a partition key when it queries
// a prefix of a hierarchical key, so documents must be hashed the same way to be filtered.
//
// Hash version 2 (the SDK's default for new containers, and the only one for hierarchical keys):
// each key value is written as a type marker and its bytes, hashed with MurmurHash3 x64 128 (seed
// 0), the 16 hash bytes reversed, the two top bits cleared, and written as upper-case hex. A
// hierarchical key is the concatenation of the hashes of its values, one per path.
const { ABSENT, documentPartitionKey } = require("./partition-key");

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

const rotl64 = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK64;

function fmix64(value) {
  let k = value;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK64;
  k ^= k >> 33n;
  return k;
}

/** MurmurHash3 x64 128 with seed 0; returns [h1, h2] as 64-bit BigInts. */
function murmurHash3x64128(bytes) {
  let h1 = 0n;
  let h2 = 0n;
  const blocks = Math.floor(bytes.length / 16);
  for (let i = 0; i < blocks; i += 1) {
    let k1 = bytes.readBigUInt64LE(i * 16);
    let k2 = bytes.readBigUInt64LE(i * 16 + 8);
    k1 = (rotl64((k1 * C1) & MASK64, 31) * C2) & MASK64;
    h1 ^= k1;
    h1 = (((rotl64(h1, 27) + h2) & MASK64) * 5n + 0x52dce729n) & MASK64;
    k2 = (rotl64((k2 * C2) & MASK64, 33) * C1) & MASK64;
    h2 ^= k2;
    h2 = (((rotl64(h2, 31) + h1) & MASK64) * 5n + 0x38495ab5n) & MASK64;
  }
  const tail = bytes.subarray(blocks * 16);
  let k1 = 0n;
  let k2 = 0n;
  for (let i = tail.length - 1; i >= 8; i -= 1) k2 ^= BigInt(tail[i]) << BigInt((i - 8) * 8);
  for (let i = Math.min(tail.length, 8) - 1; i >= 0; i -= 1) k1 ^= BigInt(tail[i]) << BigInt(i * 8);
  if (tail.length > 8) {
    h2 ^= (rotl64((k2 * C2) & MASK64, 33) * C1) & MASK64;
  }
  if (tail.length > 0) {
    h1 ^= (rotl64((k1 * C1) & MASK64, 31) * C2) & MASK64;
  }
  const length = BigInt(bytes.length);
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  return [h1, h2];
}

/** The bytes the service hashes for one key value (PartitionKeyComponent.WriteForHashingV2). */
function hashingBytes(value) {
  if (value === ABSENT) return Buffer.from([0x00]);
  if (value === null) return Buffer.from([0x01]);
  if (value === false) return Buffer.from([0x02]);
  if (value === true) return Buffer.from([0x03]);
  if (typeof value === "number") {
    const bytes = Buffer.alloc(9);
    bytes[0] = 0x05;
    bytes.writeDoubleLE(value, 1);
    return bytes;
  }
  if (typeof value === "string") {
    return Buffer.concat([Buffer.from([0x08]), Buffer.from(value, "utf8"), Buffer.from([0xff])]);
  }
  throw new Error(`A partition key value cannot be ${typeof value}.`);
}

/** The version 2 EPK of one key value, as 32 upper-case hex digits. */
function hashV2(value) {
  const [h1, h2] = murmurHash3x64128(hashingBytes(value));
  const bytes = Buffer.alloc(16);
  bytes.writeBigUInt64LE(h1, 0);
  bytes.writeBigUInt64LE(h2, 8);
  bytes.reverse();
  bytes[0] &= 0x3f;
  return bytes.toString("hex").toUpperCase();
}

/** The EPK of a document in a container with these partition key paths (hash version 2). */
function documentEpk(document, paths) {
  return documentPartitionKey(document, paths).map(hashV2).join("");
}

/** Whether the request names an EPK range; returns { start, end } or undefined. */
function requestedEpkRange(req) {
  const start = req.headers["x-ms-start-epk"];
  const end = req.headers["x-ms-end-epk"];
  if (start === undefined && end === undefined) return undefined;
  return { start: (start || "").toUpperCase(), end: (end || "FF").toUpperCase() };
}

function isInEpkRange(epk, range) {
  return epk >= range.start && epk < range.end;
}

module.exports = { hashV2, documentEpk, requestedEpkRange, isInEpkRange, murmurHash3x64128 };
