"use strict";
// Resource ids (_rid) as Cosmos DB writes them: base64 with "-" where standard base64 has "/".
// The vercel store writes plain base64, so once the account's counters reach a value whose
// encoding holds a "/", a rid names a path with one segment too many: the SDK's rid-addressed
// requests (partition key ranges for a cross-partition query, among others) then get 404 and it
// gives up with "stale cache". The databases a long test run creates reach such values.
const ResourceId = require("@vercel/cosmosdb-server/lib/account/resource-id").default;

function installUrlSafeResourceIds() {
  ResourceId.toBase64String = buffer => buffer.toString("base64").replace(/\//g, "-");
  ResourceId.fromBase64String = text => Buffer.from(text.replace(/-/g, "/"), "base64");
}

module.exports = { installUrlSafeResourceIds };
