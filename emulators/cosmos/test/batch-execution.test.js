"use strict";
// All-or-nothing batches on the real vercel store, without HTTP in between.
const test = require("node:test");
const assert = require("node:assert");
const { OperationType } = require("../batch-codec");
const { newCollection } = require("./store");
const { executeOperations } = require("../batch-execution");
const { sequenceOf } = require("../change-sequence");
const operations = require("../document-operations");

const body = document => Buffer.from(JSON.stringify(document));
const keyP1 = ["p1"];

test("a failing operation undoes the ones before it and marks the rest 424", () => {
  const collection = newCollection();
  const original = collection.documents.create({ id: "a", pk: "p1", n: 1 });
  const outcome = executeOperations(collection, [
    { operationType: OperationType.Replace, resourceBody: body({ id: "a", pk: "p1", n: 2 }) },
    { operationType: OperationType.Create, resourceBody: body({ id: "b", pk: "p1" }) },
    { operationType: OperationType.Delete, id: "a" },
    { operationType: OperationType.Delete, id: "missing" },
    { operationType: OperationType.Create, resourceBody: body({ id: "c", pk: "p1" }) }
  ], { atomic: true, batchKeyValues: keyP1 });

  assert.strictEqual(outcome.statusCode, 207);
  assert.deepStrictEqual(outcome.results.map(r => r.statusCode), [424, 424, 424, 404, 424]);
  const restored = operations.findDocument(collection, "a", keyP1);
  assert.strictEqual(restored, original);
  assert.strictEqual(restored._etag, original._etag);
  assert.strictEqual(operations.findDocument(collection, "b", keyP1), undefined);
  assert.strictEqual(sequenceOf(restored), sequenceOf(original));
});

test("a successful batch applies every operation in order", () => {
  const collection = newCollection();
  const outcome = executeOperations(collection, [
    { operationType: OperationType.Create, resourceBody: body({ id: "a", pk: "p1", n: 1 }) },
    { operationType: OperationType.Patch, id: "a", resourceBody: body({ operations: [{ op: "incr", path: "/n", value: 2 }] }) },
    { operationType: OperationType.Read, id: "a" }
  ], { atomic: true, batchKeyValues: keyP1 });

  assert.strictEqual(outcome.statusCode, 200);
  assert.deepStrictEqual(outcome.results.map(r => r.statusCode), [201, 200, 200]);
  assert.strictEqual(outcome.results[2].body.n, 3);
});

test("a non-atomic (bulk) request keeps the operations that succeeded", () => {
  const collection = newCollection();
  collection.documents.create({ id: "taken", pk: "p2" });
  const outcome = executeOperations(collection, [
    { operationType: OperationType.Create, partitionKey: '["p1"]', resourceBody: body({ id: "a", pk: "p1" }) },
    { operationType: OperationType.Create, partitionKey: '["p2"]', resourceBody: body({ id: "taken", pk: "p2" }) }
  ], { atomic: false, batchKeyValues: undefined });

  assert.deepStrictEqual(outcome.results.map(r => r.statusCode), [201, 409]);
  assert.ok(operations.findDocument(collection, "a", keyP1));
});

test("more than 100 operations are refused before any runs", () => {
  const collection = newCollection();
  const many = Array.from({ length: 101 }, (_, i) => ({
    operationType: OperationType.Create,
    resourceBody: body({ id: `a${i}`, pk: "p1" })
  }));
  assert.throws(() => executeOperations(collection, many, { atomic: true, batchKeyValues: keyP1 }), { statusCode: 400 });
  assert.strictEqual(operations.findDocument(collection, "a0", keyP1), undefined);
});
