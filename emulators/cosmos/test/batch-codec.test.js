"use strict";
// The batch wire format against bytes the .NET SDK 3.64 actually sent (a one-operation batch
// reading the item "existing"), and responses read back through the same framing.
const test = require("node:test");
const assert = require("node:assert");
const {
  OperationType,
  decodeBatchRequest,
  encodeBatchRequest,
  encodeBatchResponse,
  readRecords
} = require("../batch-codec");
const { crc32, tableCrc32 } = require("../crc32");

const SDK_READ_REQUEST = Buffer.from(
  "81f0d8ff7f010a000000" + // segment header: version, Segment schema, presence, length 10
  "81f1d8ff7f17000000da673528" + // record header: version, Record schema, length 23, CRC-32
  "817054e17f13020000000200000008" + // BatchOperation: presence 0x13, Read, Document, id length 8
  Buffer.from("existing").toString("hex"),
  "hex"
);

test("decodes the operation the SDK sent", () => {
  assert.deepStrictEqual(decodeBatchRequest(SDK_READ_REQUEST), [
    { operationType: OperationType.Read, resourceType: 2, id: "existing" }
  ]);
});

test("encodes a request byte for byte like the SDK", () => {
  const encoded = encodeBatchRequest([{ operationType: OperationType.Read, id: "existing" }]);
  assert.strictEqual(encoded.toString("hex"), SDK_READ_REQUEST.toString("hex"));
});

test("round-trips sparse columns and bodies", () => {
  const body = Buffer.from(JSON.stringify({ id: "a", pk: "p1", n: "ü".repeat(100) }));
  const [operation] = decodeBatchRequest(encodeBatchRequest([
    { operationType: OperationType.Replace, id: "a", partitionKey: '["p1"]', resourceBody: body, ifMatch: "etag-1", minimalReturnPreference: true }
  ]));
  assert.strictEqual(operation.id, "a");
  assert.strictEqual(operation.partitionKey, '["p1"]');
  assert.strictEqual(operation.ifMatch, "etag-1");
  assert.strictEqual(operation.minimalReturnPreference, true);
  assert.ok(operation.resourceBody.equals(body));
});

test("rejects a record whose checksum does not match", () => {
  const corrupt = Buffer.from(SDK_READ_REQUEST);
  corrupt[corrupt.length - 1] ^= 1;
  assert.throws(() => decodeBatchRequest(corrupt), { statusCode: 400 });
});

test("encodes results as BatchResult rows with status, etag and body", () => {
  const response = encodeBatchResponse([
    { statusCode: 201, eTag: "e1", resourceBody: Buffer.from("{}") },
    { statusCode: 424 }
  ]);
  const [first, second] = readRecords(response);
  assert.strictEqual(first.readInt32LE(1), 2145473649);
  assert.strictEqual(first[5], 0b1111);
  assert.strictEqual(first.readInt32LE(6), 201);
  assert.strictEqual(first.subarray(14).toString("hex"), "02" + Buffer.from("e1").toString("hex") + "02" + Buffer.from("{}").toString("hex"));
  assert.strictEqual(second[5], 0b0011);
  assert.strictEqual(second.readInt32LE(6), 424);
});

test("both CRC-32 implementations agree with the standard check value", () => {
  const check = Buffer.from("123456789");
  assert.strictEqual(crc32(check), 0xcbf43926);
  assert.strictEqual(tableCrc32(check), 0xcbf43926);
});
