"use strict";
// The vercel store without HTTP in front of it, for the tests: a fresh account with one collection, with every
// stored version stamped for the change feed (change-sequence.js) and indexed (equality-index.js), as the server runs it.
const Account = require("@vercel/cosmosdb-server/lib/account").default;
const { installWriteStamp } = require("../change-sequence");
const { installEqualityIndexes } = require("../equality-index");

installWriteStamp();
installEqualityIndexes();

/** A new collection "c" (partition key /pk) in a new account. */
function newCollection() {
  const account = new Account("localhost", 0);
  account.databases.create({ id: "db" });
  account.database("db").collections.create({ id: "c", partitionKey: { paths: ["/pk"], kind: "Hash" } });
  return account.database("db").collection("c");
}

module.exports = { newCollection };
