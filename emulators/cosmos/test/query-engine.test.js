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
