"use strict";
// The query features this layer adds around the evaluator: DISTINCT, OFFSET/LIMIT, paging over them.
const test = require("node:test");
const assert = require("node:assert");
const Account = require("@vercel/cosmosdb-server/lib/account").default;
const { runQuery, storedDocuments } = require("../query-engine");

function seededCollection() {
  const account = new Account("localhost", 0);
  account.databases.create({ id: "db" });
  account.database("db").collections.create({ id: "c", partitionKey: { paths: ["/pk"], kind: "Hash" } });
  const collection = account.database("db").collection("c");
  for (let i = 0; i < 10; i += 1) collection.documents.create({ id: `a${i}`, pk: `p${i % 3}`, n: i });
  return collection;
}

const run = (collection, sql, options = {}) => runQuery(collection, storedDocuments(collection), { sql, ...options });

test("DISTINCT VALUE removes duplicates, DISTINCT TOP keeps the first distinct rows", () => {
  const collection = seededCollection();
  assert.deepStrictEqual(run(collection, "SELECT DISTINCT VALUE c.pk FROM c ORDER BY c.pk").result, ["p0", "p1", "p2"]);
  assert.deepStrictEqual(run(collection, "SELECT DISTINCT TOP 2 c.pk FROM c ORDER BY c.pk").result, [{ pk: "p0" }, { pk: "p1" }]);
});

test("OFFSET/LIMIT takes a window, with parameters, and pages through it", () => {
  const collection = seededCollection();
  const parameters = [{ name: "@skip", value: 2 }, { name: "@take", value: 5 }];
  const sql = "SELECT VALUE c.n FROM c ORDER BY c.n OFFSET @skip LIMIT @take";
  const first = run(collection, sql, { parameters, maxItemCount: 3 });
  const second = run(collection, sql, { parameters, maxItemCount: 3, continuation: first.continuation });
  assert.deepStrictEqual(first.result, [2, 3, 4]);
  assert.deepStrictEqual(second.result, [5, 6]);
  assert.strictEqual(second.continuation, undefined);
});

test("GROUP BY is refused with a 400", () => {
  assert.throws(() => run(seededCollection(), "SELECT c.pk, COUNT(1) FROM c GROUP BY c.pk"), { statusCode: 400, message: /GROUP BY/ });
});

test("scans build their rows in one pass, with the same results as the evaluator's own code", () => {
  const { compiledQuery } = require("../query-engine");
  const compile = require("@zeit/cosmosdb-query").default;
  const documents = Array.from({ length: 200 }, (_, i) => ({ id: `d${i}`, pk: `p${i % 7}`, n: i % 13, tags: [i % 2, i % 3], _rid: `r${String(i).padStart(4, "0")}` }));
  for (const sql of [
    "SELECT * FROM c",
    "SELECT * FROM c WHERE c.n > 5",
    "SELECT TOP 3 c.id FROM c WHERE c.pk = 'p1' ORDER BY c.n DESC",
    "SELECT VALUE r.id FROM r WHERE r.n = 2",
    "SELECT c.id, t FROM c JOIN t IN c.tags WHERE t = 1"
  ]) {
    const linear = compiledQuery(sql);
    if (!sql.includes("JOIN")) assert.doesNotMatch(linear.code, /\[\.\.\.\$, \{/, sql);
    assert.deepStrictEqual(linear.exec(documents, {}).result, compile(sql).exec(documents, {}).result, sql);
  }
});

test("results keep the evaluator's treatment of undefined: dropped from arrays and objects, at any depth", () => {
  const { stripUndefined } = require("@zeit/cosmosdb-query/lib/helpers");
  require("../query-engine");
  assert.deepStrictEqual(
    stripUndefined([1, undefined, { a: undefined, b: [undefined, 2, { c: undefined, d: null }] }, null]),
    [1, { b: [2, { d: null }] }, null]);
});
