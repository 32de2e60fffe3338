"use strict";
// The equality indexes narrow what a query scans and must never change what it returns: every query here runs over
// the index's candidates and over a full scan, after random creates, replaces, deletes, patches and rolled-back
// batches, and both must give the same rows in the same order.
const test = require("node:test");
const assert = require("node:assert");
const { OperationType } = require("../batch-codec");
const { executeOperations } = require("../batch-execution");
const { candidateDocuments, queryEqualities } = require("../equality-index");
const operations = require("../document-operations");
const { evaluatorAst, runQuery, storedDocuments } = require("../query-engine");
const { newCollection } = require("./store");

const body = document => Buffer.from(JSON.stringify(document));

/** Rows over the index's candidates (as the query route narrows them), and over every stored document. */
function bothWays(collection, sql, parameters = []) {
  const equalities = queryEqualities(evaluatorAst(sql, parameters), parameters);
  const candidates = candidateDocuments(collection.documents, equalities);
  const indexed = runQuery(collection, candidates || storedDocuments(collection), { sql, parameters }).result;
  const scanned = runQuery(collection, storedDocuments(collection), { sql, parameters }).result;
  return { indexed, scanned, narrowed: candidates !== undefined, candidates: candidates ? candidates.length : undefined };
}

const QUERIES = [
  ["SELECT * FROM c WHERE c.state = 'pending'"],
  ["SELECT c.id FROM c WHERE c.state = @s AND c.n > 3", [{ name: "@s", value: "done" }]],
  ["SELECT TOP 5 * FROM c WHERE c.state = 'pending' AND c.pk = 'p1' ORDER BY c.n DESC"],
  ["SELECT VALUE MIN(c.n) FROM c WHERE c.state = 'pending'"],
  ["SELECT VALUE COUNT(1) FROM c WHERE 'pending' = c.state AND c.flag = true"],
  ["SELECT * FROM c WHERE c.n = 4"],
  ["SELECT * FROM c WHERE c[\"state\"] = 'failed'"],
  ["SELECT * FROM c WHERE c.state = 'pending' OR c.n = 2"],
  ["SELECT * FROM c WHERE NOT (c.state = 'pending' AND c.n = 1)"],
  ["SELECT * FROM c WHERE (c.state = 'pending' ? true : false)"],
  ["SELECT * FROM c WHERE c.nothing = null"],
  ["SELECT * FROM c WHERE c.state = @missing"],
  ["SELECT * FROM c WHERE c.obj = @o", [{ name: "@o", value: { a: 1 } }]],
  ["SELECT t FROM c JOIN t IN c.tags WHERE c.state = 'pending'"],
  ["SELECT DISTINCT VALUE c.pk FROM c WHERE c.state = 'done' ORDER BY c.pk"],
  ["SELECT * FROM c WHERE c.state = 'done' ORDER BY c.n OFFSET 1 LIMIT 3"],
  ["SELECT * FROM c WHERE c.state = 'pending' AND c.state = 'done'"],
  ["SELECT * FROM c WHERE c.n = '4'"]
];

const STATES = ["pending", "done", "failed", 4, null, undefined];

function randomDocument(random, id) {
  const state = STATES[Math.floor(random() * STATES.length)];
  const document = { id, pk: `p${Math.floor(random() * 3)}`, n: Math.floor(random() * 6), flag: random() < 0.5, tags: ["a", "b"] };
  if (state !== undefined) document.state = state;
  if (random() < 0.2) document.nothing = null;
  return document;
}

/** A small deterministic generator (mulberry32), so a failure repeats. */
function generator(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertSame(collection, label) {
  for (const [sql, parameters] of QUERIES) {
    const { indexed, scanned } = bothWays(collection, sql, parameters);
    assert.deepStrictEqual(indexed, scanned, `${label}: ${sql}`);
  }
}

test("queries over the index return what a full scan returns, in the same order, through random writes", () => {
  for (const seed of [1, 2, 3]) {
    const random = generator(seed);
    const collection = newCollection();
    assertSame(collection, `seed ${seed}, empty`); // builds the indexes before any document exists
    for (let step = 0; step < 400; step += 1) {
      const id = `d${Math.floor(random() * 40)}`;
      const current = collection.documents._data.size > 0 ? storedDocuments(collection).find(d => d.id === id) : undefined;
      const roll = random();
      if (!current) {
        collection.documents.create(randomDocument(random, id));
      } else if (roll < 0.45) {
        collection.documents.replace({ ...randomDocument(random, id), pk: current.pk }, current);
      } else if (roll < 0.6) {
        collection.documents.delete(id, current.pk);
      } else if (roll < 0.75) {
        operations.patchDocument(collection, { id, keyValues: [current.pk], patch: { operations: [{ op: "set", path: "/state", value: "done" }] } });
      } else {
        // A batch that changes the document and then fails: everything it did is put back.
        const outcome = executeOperations(collection, [
          { operationType: OperationType.Replace, resourceBody: body({ ...current, state: "pending", n: 5 }) },
          { operationType: OperationType.Create, resourceBody: body({ id: `new${step}`, pk: current.pk, state: "pending" }) },
          { operationType: OperationType.Create, resourceBody: body({ id, pk: current.pk }) }
        ], { atomic: true, batchKeyValues: [current.pk] });
        assert.strictEqual(outcome.statusCode, 207);
      }
      if (step % 20 === 0) assertSame(collection, `seed ${seed}, step ${step}`);
    }
    assertSame(collection, `seed ${seed}, end`);
  }
});

test("a query with a required equality scans only the documents holding that value", () => {
  const collection = newCollection();
  for (let i = 0; i < 1000; i += 1) collection.documents.create({ id: `d${i}`, pk: "p", state: i < 3 ? "pending" : "done" });
  const pending = bothWays(collection, "SELECT * FROM c WHERE c.state = 'pending' ORDER BY c.id");
  assert.strictEqual(pending.candidates, 3);
  assert.deepStrictEqual(pending.indexed.map(d => d.id), ["d0", "d1", "d2"]);

  const replaced = storedDocuments(collection).find(d => d.id === "d1");
  collection.documents.replace({ id: "d1", pk: "p", state: "done" }, replaced);
  assert.strictEqual(bothWays(collection, "SELECT * FROM c WHERE c.state = 'pending'").candidates, 2);

  const either = bothWays(collection, "SELECT * FROM c WHERE c.state = 'pending' OR c.id = 'd9'");
  assert.strictEqual(either.narrowed, false); // an OR makes no term required
  assert.deepStrictEqual(either.indexed.map(d => d.id), ["d0", "d2", "d9"]);
});

test("only the WHERE's top-level AND chain of root properties compared to scalars narrows a query", () => {
  const equalities = (sql, parameters = []) => queryEqualities(evaluatorAst(sql, parameters), parameters);
  assert.deepStrictEqual(equalities("SELECT * FROM c WHERE c.a = 'x' AND (c.b = 2 AND c.n > 1)"), [{ field: "a", value: "x" }, { field: "b", value: 2 }]);
  assert.deepStrictEqual(equalities("SELECT * FROM root r WHERE r.a = @p", [{ name: "@p", value: false }]), [{ field: "a", value: false }]);
  assert.deepStrictEqual(equalities("SELECT * FROM c WHERE c.a = 'x' OR c.b = 2"), []);
  assert.deepStrictEqual(equalities("SELECT * FROM c WHERE NOT (c.a = 'x')"), []);
  assert.deepStrictEqual(equalities("SELECT * FROM c WHERE c.a.b = 'x' AND c.a != 'y' AND c.a = c.b"), []);
  assert.deepStrictEqual(equalities("SELECT * FROM k IN c.kids WHERE k.a = 'x'"), []);
  assert.deepStrictEqual(equalities("SELECT c FROM c JOIN t IN c.tags WHERE c.a = 'x'"), []);
  assert.deepStrictEqual(equalities("SELECT * FROM c WHERE c.a = @list", [{ name: "@list", value: [1] }]), []);
});

test("a partition-scoped request narrows to its partition, and an empty key names none (found in review)", () => {
  const { documentsInScope } = require("../query-routes");
  const collection = newCollection();
  for (let i = 0; i < 9; i += 1) collection.documents.create({ id: `d${i}`, pk: `p${i % 3}`, state: "pending" });
  const scoped = (header, sql, parameters = []) => documentsInScope(collection, { headers: header === undefined ? {} : { "x-ms-documentdb-partitionkey": header } }, { query: sql, parameters })
    .map(d => d.id).sort();
  assert.deepStrictEqual(scoped('["p1"]', "SELECT * FROM c"), ["d1", "d4", "d7"]);
  assert.deepStrictEqual(scoped("[]", "SELECT * FROM c"), storedDocuments(collection).map(d => d.id).sort());
  assert.deepStrictEqual(scoped(undefined, "SELECT * FROM c WHERE c.pk = 'p2'"), ["d2", "d5", "d8"]);
});

test("a parameter named twice narrows by its last value, as the evaluator reads it (found in review)", () => {
  const collection = newCollection();
  collection.documents.create({ id: "a", pk: "p", state: "pending" });
  collection.documents.create({ id: "b", pk: "p", state: "done" });
  const parameters = [{ name: "@s", value: "pending" }, { name: "@s", value: "done" }];
  const { indexed, scanned } = bothWays(collection, "SELECT VALUE c.id FROM c WHERE c.state = @s", parameters);
  assert.deepStrictEqual(indexed, scanned);
});
