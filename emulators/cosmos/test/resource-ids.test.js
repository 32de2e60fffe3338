"use strict";
const test = require("node:test");
const assert = require("node:assert");
const ResourceId = require("@vercel/cosmosdb-server/lib/account/resource-id").default;
const { installUrlSafeResourceIds } = require("../resource-ids");

test("database and container rids never hold a slash and read back to the same bytes", () => {
  installUrlSafeResourceIds();
  let sawDash = false;
  for (let n = 1; n < 5000; n += 1) {
    const database = ResourceId.newDatabaseId(((n << 8) | 0x80000000).toString()).toString();
    const container = ResourceId.newDocumentCollectionId(database, ((n << 8) | 0x80000000).toString()).toString();
    for (const rid of [database, container]) {
      assert.ok(!rid.includes("/"), `rid ${rid} holds a slash`);
      sawDash ||= rid.includes("-");
      assert.strictEqual(ResourceId.toBase64String(ResourceId.fromBase64String(rid)), rid);
    }
  }
  assert.ok(sawDash, "no counter value in range needed the url-safe form; the test proves nothing");
});
