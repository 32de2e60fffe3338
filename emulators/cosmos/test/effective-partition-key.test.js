"use strict";
// The EPK hash must match the service's byte for byte, or prefix queries of hierarchical keys
// would select the wrong documents.
const test = require("node:test");
const assert = require("node:assert");
const { hashV2, murmurHash3x64128 } = require("../effective-partition-key");

test("MurmurHash3 x64 128 matches the reference vectors", () => {
  const hex = input => murmurHash3x64128(Buffer.from(input)).map(part => part.toString(16));
  assert.deepStrictEqual(hex("hello"), ["cbd8a7b341bd9b02", "5b1e906a48ae1d19"]);
  assert.deepStrictEqual(hex("The quick brown fox jumps over the lazy dog"), ["e34bbc7bbc071b6c", "7a433ca9c49a9347"]);
});

test("the EPK of a string is the one the .NET SDK 3.64 sent for it", () => {
  assert.strictEqual(hashV2("t1"), "3D48BB14DA9D090D22112C96695028B6");
});
