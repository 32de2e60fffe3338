"use strict";
// The write log behind the change feed, on the real vercel store: current versions in write order,
// nothing of replaced, deleted or rolled-back versions, and the same answer after compaction.
// (What a poll costs is measured, not tested: emulators/cosmos/README.md.)
const test = require("node:test");
const assert = require("node:assert");
const { OperationType } = require("../batch-codec");
const { newCollection } = require("./store");
const { executeOperations } = require("../batch-execution");
const { changesAfter, sequenceOf } = require("../change-sequence");

const ids = (collection, after = 0) => [...changesAfter(collection.documents, after)].map(c => `${c.document.id}:${c.document.n}`);

test("lists current versions in write order: a replaced document moves to the end, a deleted one is gone", () => {
  const collection = newCollection();
  const a = collection.documents.create({ id: "a", pk: "p", n: 1 });
  collection.documents.create({ id: "b", pk: "p", n: 1 });
  collection.documents.create({ id: "c", pk: "p", n: 1 });
  collection.documents.replace({ id: "a", pk: "p", n: 2 }, a);
  collection.documents.delete("b", "p");

  assert.deepStrictEqual(ids(collection), ["c:1", "a:2"]);
  const c = [...changesAfter(collection.documents, 0)][0];
  assert.strictEqual(c.sequence, sequenceOf(c.document));
  assert.deepStrictEqual(ids(collection, c.sequence), ["a:2"]);
});

test("a batch that rolls back leaves the feed as it was", () => {
  const collection = newCollection();
  collection.documents.create({ id: "a", pk: "p", n: 1 });
  const before = ids(collection);
  const body = document => Buffer.from(JSON.stringify(document));
  const outcome = executeOperations(collection, [
    { operationType: OperationType.Replace, resourceBody: body({ id: "a", pk: "p", n: 2 }) },
    { operationType: OperationType.Create, resourceBody: body({ id: "new", pk: "p", n: 1 }) },
    { operationType: OperationType.Delete, id: "missing" }
  ], { atomic: true, batchKeyValues: ["p"] });

  assert.strictEqual(outcome.statusCode, 207);
  assert.deepStrictEqual(ids(collection), before);
});

test("compaction keeps exactly the current versions, in order, and a version put back after it is still listed", () => {
  const collection = newCollection();
  let kept = collection.documents.create({ id: "kept", pk: "p", n: 0 });
  const displaced = kept;
  // Enough rewrites of one document to compact the log several times.
  for (let n = 1; n <= 5000; n++) kept = collection.documents.replace({ id: "kept", pk: "p", n }, kept);
  collection.documents.create({ id: "last", pk: "p", n: 1 });
  assert.deepStrictEqual(ids(collection), ["kept:5000", "last:1"]);

  // What a rolled-back batch does: the old object back under its old _rid.
  collection.documents.delete("kept", "p");
  collection.documents._set(displaced);
  assert.deepStrictEqual(ids(collection), ["kept:0", "last:1"]);
});
