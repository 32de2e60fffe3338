"use strict";
// Single-document operations on the vercel in-memory store, shared by the HTTP routes and by
// TransactionalBatch so that both answer with the same statuses. Each function is synchronous:
// Node runs it to completion without interleaving, which is what makes a batch (a sequence of
// these calls with rollback) atomic with respect to every other write.
//
// Every function returns { statusCode, body?, code?, message? } and never throws for a client error.
const { patchOperation } = require("@vercel/cosmosdb-server/lib/handler/_patch-operations");
const { compiledQuery } = require("./query-engine");
const {
  documentPartitionKey,
  isInPartition,
  partitionKeyPaths,
  storageKey
} = require("./partition-key");
const { notFoundMessage, preconditionFailedMessage } = require("./responses");

const INVALID_ID_CHARACTERS = /[/\\?#]/;

function failure(statusCode, code, message) {
  return { statusCode, code, message };
}

const notFound = () => failure(404, "NotFound", notFoundMessage);
const preconditionFailed = () => failure(412, "PreconditionFailed", preconditionFailedMessage);

/** The collection, or undefined when the database or the collection does not exist. */
function findCollection(account, dbId, collId) {
  const collection = account.database(dbId).collection(collId);
  return collection.read() ? collection : undefined;
}

/** The stored document with this id in this logical partition, or undefined. */
function findDocument(collection, id, keyValues) {
  const document = collection.document(id, storageKey(keyValues, id)).read();
  if (!document || document.id !== id) return undefined;
  const paths = partitionKeyPaths(collection.read());
  return isInPartition(document, paths, keyValues) ? document : undefined;
}

/** Checks a body to be written: an object with a valid id, in the partition the request names. */
function validateBody(collection, body, keyValues) {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return failure(400, "BadRequest", "The request body must be a JSON object.");
  }
  if (typeof body.id !== "string" || body.id.length === 0) {
    return failure(400, "BadRequest", "The input content is invalid because the required property, 'id', is missing.");
  }
  if (INVALID_ID_CHARACTERS.test(body.id) || body.id.length > 255) {
    return failure(400, "BadRequest", `The id '${body.id}' contains invalid characters or is too long.`);
  }
  const paths = partitionKeyPaths(collection.read());
  if (keyValues !== undefined && !isInPartition(body, paths, keyValues)) {
    return failure(400, "BadRequest", "PartitionKey extracted from document doesn't match the one specified in the header.");
  }
  return undefined;
}

function etagMatches(document, ifMatch) {
  return !ifMatch || ifMatch === "*" || ifMatch === document._etag;
}

/** Maps the store's thrown conflicts and bad requests to statuses; rethrows anything else. */
function storeWrite(write, successStatus) {
  try {
    return { statusCode: successStatus, body: write() };
  } catch (error) {
    if (error.conflict) return failure(409, "Conflict", error.message);
    if (error.badRequest) return failure(400, "BadRequest", error.message);
    throw error;
  }
}

function createDocument(collection, { body, keyValues }) {
  const invalid = validateBody(collection, body, keyValues);
  if (invalid) return invalid;
  return storeWrite(() => collection.documents.create(body), 201);
}

function readDocument(collection, { id, keyValues, ifNoneMatch }) {
  const document = findDocument(collection, id, keyValues);
  if (!document) return notFound();
  if (ifNoneMatch && (ifNoneMatch === "*" || ifNoneMatch === document._etag)) {
    return { statusCode: 304, etag: document._etag };
  }
  return { statusCode: 200, body: document };
}

function replaceDocument(collection, { id, body, keyValues, ifMatch }) {
  const invalid = validateBody(collection, body, keyValues);
  if (invalid) return invalid;
  if (id !== undefined && body.id !== id) {
    return failure(400, "BadRequest", "The id in the URL does not match the id in the body.");
  }
  const existing = findDocument(collection, body.id, keyValues || keyOf(collection, body));
  if (!existing) return notFound();
  if (!etagMatches(existing, ifMatch)) return preconditionFailed();
  return storeWrite(() => collection.documents.replace(body, existing), 200);
}

function upsertDocument(collection, { body, keyValues, ifMatch }) {
  const invalid = validateBody(collection, body, keyValues);
  if (invalid) return invalid;
  const existing = findDocument(collection, body.id, keyValues || keyOf(collection, body));
  if (!existing) {
    if (ifMatch && ifMatch !== "*") return preconditionFailed();
    return storeWrite(() => collection.documents.create(body), 201);
  }
  if (!etagMatches(existing, ifMatch)) return preconditionFailed();
  return storeWrite(() => collection.documents.replace(body, existing), 200);
}

function deleteDocument(collection, { id, keyValues, ifMatch }) {
  const existing = findDocument(collection, id, keyValues);
  if (!existing) return notFound();
  if (!etagMatches(existing, ifMatch)) return preconditionFailed();
  collection.documents.delete(id, storageKey(keyValues, id));
  return { statusCode: 204 };
}

/**
 * Patch: {operations: [{op, path, value}], condition?: "FROM c WHERE ..."}. The condition is
 * evaluated here as written (the vercel handler lower-cases it, which breaks string literals and
 * property names); the operations themselves are applied by the vercel implementation.
 */
function patchDocument(collection, { id, keyValues, ifMatch, patch }) {
  if (!patch || !Array.isArray(patch.operations) || patch.operations.length === 0) {
    return failure(400, "BadRequest", "Invalid patch request: check syntax of patch specification.");
  }
  const existing = findDocument(collection, id, keyValues);
  if (!existing) return notFound();
  if (!etagMatches(existing, ifMatch)) return preconditionFailed();
  if (patch.condition) {
    const satisfied = evaluateCondition(patch.condition, existing);
    if (satisfied === undefined) {
      return failure(400, "BadRequest", `Invalid condition in patch request: ${patch.condition}`);
    }
    if (!satisfied) {
      return failure(412, "PreconditionFailed", "Condition specified in the patch request is not satisfied.");
    }
  }
  const result = patchOperation(collection, {
    id,
    partitionKey: JSON.stringify([storageKey(keyValues, id)]),
    operations: patch.operations
  });
  if (result.statusCode >= 400) {
    return failure(result.statusCode, result.body.code || "BadRequest", result.body.message);
  }
  return { statusCode: 200, body: result.body };
}

/** true/false for a "FROM c WHERE ..." predicate on one document; undefined when it does not parse. */
function evaluateCondition(condition, document) {
  try {
    const { result } = compiledQuery(`SELECT VALUE 1 ${condition}`).exec([document], {});
    return result.length > 0;
  } catch (error) {
    return undefined;
  }
}

function keyOf(collection, body) {
  return documentPartitionKey(body, partitionKeyPaths(collection.read()));
}

module.exports = {
  findCollection,
  findDocument,
  createDocument,
  readDocument,
  replaceDocument,
  upsertDocument,
  deleteDocument,
  patchDocument
};
