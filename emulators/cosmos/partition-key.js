"use strict";
// Logical partition keys as the SDK sends them and as documents carry them.
//
// The SDK puts the key in `x-ms-documentdb-partitionkey` as a JSON array with one value per
// partition key path: ["p1"], [5], [null], or [{}] for PartitionKey.None (the property is absent).
// The vercel store files documents under (first key value || id), so falsy keys collapse onto the
// id; every lookup here therefore re-checks the document's real key against the requested one.
// For hierarchical keys (several paths) the store only looks at the first path, so two documents
// with one id under different sub-keys would collide; installHierarchicalKeyFiling makes it file
// them under all their key values.
const Documents = require("@vercel/cosmosdb-server/lib/account/documents").default;

const PARTITION_KEY_HEADER = "x-ms-documentdb-partitionkey";

/** Marks "no value at this path" (PartitionKey.None / an absent property). */
const ABSENT = Symbol("absent partition key value");

/** Parses the header into an array of values, or returns undefined when the request has none. */
function parsePartitionKeyHeader(req) {
  const raw = req.headers[PARTITION_KEY_HEADER];
  if (raw === undefined) return undefined;
  return parsePartitionKeyJson(Array.isArray(raw) ? raw[0] : raw);
}

/** Parses a partition key written as JSON (header or batch operation field). */
function parsePartitionKeyJson(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badPartitionKey(text);
  }
  const values = Array.isArray(parsed) ? parsed : [parsed];
  return values.map(value => (value !== null && typeof value === "object" ? ABSENT : value));
}

function badPartitionKey(text) {
  const error = new Error(`Partition key provided either doesn't correspond to definition in the collection or doesn't match partition key field values specified in the document: ${text}`);
  error.statusCode = 400;
  return error;
}

/** The partition key paths of a collection as property-name arrays: "/a/b" -> ["a", "b"]. */
function partitionKeyPaths(collectionData) {
  const paths = ((collectionData && collectionData.partitionKey) || {}).paths || [];
  return paths
    .filter(path => path !== "/_partitionKey")
    .map(path => path.slice(1).split("/").map(unescapePathSegment));
}

function unescapePathSegment(segment) {
  return segment.replace(/^"(.*)"$/, "$1");
}

/** The document's key values, one per path, ABSENT where the property is missing. */
function documentPartitionKey(document, paths) {
  return paths.map(path => {
    let value = document;
    for (const segment of path) {
      if (value === null || typeof value !== "object" || !(segment in value)) return ABSENT;
      value = value[segment];
    }
    return value === undefined ? ABSENT : value;
  });
}

/**
 * Whether a document lives in the logical partition named by `keyValues`. Fewer values than
 * paths name a prefix of a hierarchical key (a query over all of a tenant's sub-partitions).
 */
function isInPartition(document, paths, keyValues) {
  if (keyValues === undefined) return true;
  if (paths.length === 0) return true;
  const documentValues = documentPartitionKey(document, paths);
  return keyValues.every((value, index) => documentValues[index] === value);
}

/** The key under which the vercel store filed the document (see the note at the top). */
function storageKey(keyValues, id) {
  if (keyValues !== undefined && keyValues.length > 1) return hierarchicalStorageKey(keyValues);
  const first = keyValues === undefined ? undefined : keyValues[0];
  if (first === ABSENT || !first) return id;
  return first;
}

function hierarchicalStorageKey(keyValues) {
  return JSON.stringify(keyValues.map(value => (value === ABSENT ? { absent: true } : value)));
}

let hierarchicalFilingInstalled = false;

/** Makes the store file documents of multi-path containers under every key value (see the top). */
function installHierarchicalKeyFiling() {
  if (hierarchicalFilingInstalled) return;
  hierarchicalFilingInstalled = true;
  const firstPathPartition = Documents.prototype._getPartition;
  Documents.prototype._getPartition = function filedPartition(data) {
    const paths = partitionKeyPaths(this._parent.read());
    if (paths.length < 2) return firstPathPartition.call(this, data);
    return hierarchicalStorageKey(documentPartitionKey(data, paths));
  };
}

module.exports = {
  ABSENT,
  PARTITION_KEY_HEADER,
  parsePartitionKeyHeader,
  parsePartitionKeyJson,
  partitionKeyPaths,
  documentPartitionKey,
  isInPartition,
  storageKey,
  installHierarchicalKeyFiling
};
