"use strict";
// The binary body of a TransactionalBatch (and of bulk) requests and responses.
//
// Framing is RecordIO: one segment header row, then records, each a 13-byte header
// (0x81, the Record schema id, int32 length, uint32 CRC-32 of the record) and one HybridRow row.
// Rows start with 0x81 (HybridRow version 1) and the int32 schema id, then a presence bitmask with
// one bit per fixed or variable column in schema order, the fixed columns, the present variable
// columns (7-bit varuint length + bytes), and last the sparse columns, each
// (layout code byte, varuint path token, value). The schemas are the SDK's embedded resource
// HybridRowBatchSchemas.json (BatchOperation = 2145473648, BatchResult = 2145473649); a path
// token is the column's position in its schema counted from 1.
const { crc32 } = require("./crc32");

const HYBRID_ROW_VERSION = 0x81;
const SEGMENT_SCHEMA_ID = 2147473648;
const RECORD_SCHEMA_ID = 2147473649;
const BATCH_OPERATION_SCHEMA_ID = 2145473648;
const BATCH_RESULT_SCHEMA_ID = 2145473649;
const SEGMENT_HEADER_LENGTH = 10;
const RECORD_HEADER_LENGTH = 13;

/** Operation types as the SDK numbers them (Microsoft.Azure.Documents.OperationType). */
const OperationType = Object.freeze({ Create: 0, Patch: 1, Read: 2, Delete: 4, Replace: 5, Upsert: 20 });

// BatchOperation columns in schema order. Fixed and variable ones own a presence bit each.
const OPERATION_FIXED = ["operationType", "resourceType"];
const OPERATION_VARIABLE = ["partitionKey", "effectivePartitionKey", "id", "binaryId", "resourceBody"];
const OPERATION_SPARSE = ["indexingDirective", "ifMatch", "ifNoneMatch", "timeToLiveInSeconds", "minimalReturnPreference"];
const OPERATION_COLUMNS = [...OPERATION_FIXED, ...OPERATION_VARIABLE, ...OPERATION_SPARSE];
const TEXT_COLUMNS = new Set(["partitionKey", "id", "indexingDirective", "ifMatch", "ifNoneMatch"]);

// HybridRow layout codes of the sparse value types the SDK writes.
const LayoutCode = Object.freeze({
  Null: 1,
  BooleanFalse: 2,
  Boolean: 3,
  Int8: 5,
  Int16: 6,
  Int32: 7,
  Int64: 8,
  UInt32: 11,
  Float64: 16,
  Utf8: 20,
  Binary: 21
});

class Reader {
  constructor(buffer) {
    this.buffer = buffer;
    this.offset = 0;
  }

  ensure(length) {
    if (this.offset + length > this.buffer.length) throw malformed("the body ends inside a row");
  }

  byte() {
    this.ensure(1);
    this.offset += 1;
    return this.buffer[this.offset - 1];
  }

  int32() {
    this.ensure(4);
    this.offset += 4;
    return this.buffer.readInt32LE(this.offset - 4);
  }

  varUInt() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
      if (shift > 35) throw malformed("a varuint is too long");
    }
  }

  bytes(length) {
    this.ensure(length);
    this.offset += length;
    return this.buffer.subarray(this.offset - length, this.offset);
  }

  atEnd() {
    return this.offset >= this.buffer.length;
  }
}

function malformed(reason) {
  const error = new Error(`The batch request body is malformed: ${reason}.`);
  error.statusCode = 400;
  return error;
}

/** Splits a RecordIO body into its record payloads, checking each CRC. */
function readRecords(body) {
  const reader = new Reader(body);
  if (reader.byte() !== HYBRID_ROW_VERSION || reader.int32() !== SEGMENT_SCHEMA_ID) {
    throw malformed("it does not start with a RecordIO segment");
  }
  reader.byte(); // presence bits of the segment row
  const segmentLength = reader.int32();
  reader.offset = segmentLength;
  const records = [];
  while (!reader.atEnd()) {
    if (reader.byte() !== HYBRID_ROW_VERSION || reader.int32() !== RECORD_SCHEMA_ID) {
      throw malformed(`record ${records.length} has no record header`);
    }
    const length = reader.int32();
    const checksum = reader.int32() >>> 0;
    const record = reader.bytes(length);
    if (crc32(record) !== checksum) throw malformed(`record ${records.length} fails its CRC-32`);
    records.push(record);
  }
  return records;
}

function readSparseValue(reader, code) {
  switch (code) {
    case LayoutCode.Null: return null;
    case LayoutCode.BooleanFalse: return false;
    case LayoutCode.Boolean: return true;
    case LayoutCode.Int8: return reader.bytes(1).readInt8(0);
    case LayoutCode.Int16: return reader.bytes(2).readInt16LE(0);
    case LayoutCode.Int32: return reader.int32();
    case LayoutCode.Int64: return Number(reader.bytes(8).readBigInt64LE(0));
    case LayoutCode.UInt32: return reader.bytes(4).readUInt32LE(0);
    case LayoutCode.Float64: return reader.bytes(8).readDoubleLE(0);
    case LayoutCode.Utf8: return reader.bytes(reader.varUInt()).toString("utf8");
    case LayoutCode.Binary: return reader.bytes(reader.varUInt());
    default: throw malformed(`unsupported sparse layout code ${code}`);
  }
}

/** Decodes one BatchOperation row into { operationType, id, partitionKey, resourceBody (Buffer), ifMatch, ... }. */
function decodeOperation(row) {
  const reader = new Reader(row);
  if (reader.byte() !== HYBRID_ROW_VERSION || reader.int32() !== BATCH_OPERATION_SCHEMA_ID) {
    throw malformed("a record is not a BatchOperation row");
  }
  const presence = reader.byte();
  const operation = {};
  OPERATION_FIXED.forEach(name => {
    operation[name] = reader.int32();
  });
  OPERATION_VARIABLE.forEach((name, index) => {
    if ((presence & (1 << (OPERATION_FIXED.length + index))) === 0) return;
    const bytes = reader.bytes(reader.varUInt());
    operation[name] = TEXT_COLUMNS.has(name) ? bytes.toString("utf8") : bytes;
  });
  while (!reader.atEnd()) {
    const code = reader.byte();
    const token = reader.varUInt();
    const name = OPERATION_COLUMNS[token - 1];
    if (name === undefined) throw malformed(`unknown sparse column token ${token}`);
    operation[name] = readSparseValue(reader, code);
  }
  return operation;
}

/** Decodes a whole batch request body into its operations. */
function decodeBatchRequest(body) {
  return readRecords(body).map(decodeOperation);
}

function varUIntBytes(value) {
  const bytes = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Encodes one BatchResult row: { statusCode, subStatusCode?, eTag?, resourceBody? (Buffer) }. */
function encodeResult({ statusCode, subStatusCode = 0, eTag, resourceBody }) {
  const parts = [];
  const header = Buffer.alloc(1 + 4 + 1 + 4 + 4);
  header[0] = HYBRID_ROW_VERSION;
  header.writeInt32LE(BATCH_RESULT_SCHEMA_ID, 1);
  header[5] = 0b0011 | (eTag ? 0b0100 : 0) | (resourceBody ? 0b1000 : 0);
  header.writeInt32LE(statusCode, 6);
  header.writeInt32LE(subStatusCode, 10);
  parts.push(header);
  if (eTag) {
    const text = Buffer.from(eTag, "utf8");
    parts.push(varUIntBytes(text.length), text);
  }
  if (resourceBody) parts.push(varUIntBytes(resourceBody.length), resourceBody);
  return Buffer.concat(parts);
}

function segmentHeader() {
  const header = Buffer.alloc(SEGMENT_HEADER_LENGTH);
  header[0] = HYBRID_ROW_VERSION;
  header.writeInt32LE(SEGMENT_SCHEMA_ID, 1);
  header[5] = 0b1; // the length column is present
  header.writeInt32LE(SEGMENT_HEADER_LENGTH, 6);
  return header;
}

function recordHeader(record) {
  const header = Buffer.alloc(RECORD_HEADER_LENGTH);
  header[0] = HYBRID_ROW_VERSION;
  header.writeInt32LE(RECORD_SCHEMA_ID, 1);
  header.writeInt32LE(record.length, 5);
  header.writeUInt32LE(crc32(record), 9);
  return header;
}

/** Encodes a whole batch response body from per-operation results. */
function encodeBatchResponse(results) {
  const parts = [segmentHeader()];
  results.forEach(result => {
    const row = encodeResult(result);
    parts.push(recordHeader(row), row);
  });
  return Buffer.concat(parts);
}

/** Encodes a request body the way the SDK does; used by the tests of this codec. */
function encodeBatchRequest(operations) {
  const parts = [segmentHeader()];
  operations.forEach(operation => {
    const row = encodeOperation(operation);
    parts.push(recordHeader(row), row);
  });
  return Buffer.concat(parts);
}

function encodeOperation(operation) {
  const head = Buffer.alloc(1 + 4 + 1 + 8);
  head[0] = HYBRID_ROW_VERSION;
  head.writeInt32LE(BATCH_OPERATION_SCHEMA_ID, 1);
  head.writeInt32LE(operation.operationType, 6);
  head.writeInt32LE(operation.resourceType === undefined ? 2 : operation.resourceType, 10);
  let presence = 0b11;
  const parts = [head];
  OPERATION_VARIABLE.forEach((name, index) => {
    if (operation[name] === undefined) return;
    presence |= 1 << (OPERATION_FIXED.length + index);
    const bytes = Buffer.isBuffer(operation[name]) ? operation[name] : Buffer.from(String(operation[name]), "utf8");
    parts.push(varUIntBytes(bytes.length), bytes);
  });
  head[5] = presence;
  ["ifMatch", "ifNoneMatch"].forEach(name => {
    if (operation[name] === undefined) return;
    const text = Buffer.from(operation[name], "utf8");
    parts.push(Buffer.from([LayoutCode.Utf8]), varUIntBytes(OPERATION_COLUMNS.indexOf(name) + 1), varUIntBytes(text.length), text);
  });
  if (operation.minimalReturnPreference !== undefined) {
    const code = operation.minimalReturnPreference ? LayoutCode.Boolean : LayoutCode.BooleanFalse;
    parts.push(Buffer.from([code]), varUIntBytes(OPERATION_COLUMNS.indexOf("minimalReturnPreference") + 1));
  }
  return Buffer.concat(parts);
}

module.exports = {
  OperationType,
  decodeBatchRequest,
  encodeBatchResponse,
  encodeBatchRequest,
  readRecords
};
