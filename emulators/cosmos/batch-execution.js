"use strict";
// Runs the operations of a TransactionalBatch all-or-nothing, and those of a bulk request
// (not atomic) one by one.
//
// Atomicity: the operations run synchronously, one after another, on Node's single thread, so no
// other request (single write, query or batch) can observe or interleave with a half-applied
// batch — execution is serialized against every other write, not just those on its partition.
// Each write remembers the document version it displaced; when an operation fails, the earlier
// ones are undone in reverse order by putting those versions back (same _rid, _etag and _ts).
const operations = require("./document-operations");
const { OperationType } = require("./batch-codec");
const { parsePartitionKeyJson, storageKey } = require("./partition-key");

const BATCH_OPERATIONS_MAX = 100;
const FAILED_DEPENDENCY = 424;

function badRequest(message) {
  const error = new Error(message);
  error.statusCode = 400;
  return error;
}

function parseResourceBody(operation) {
  if (!operation.resourceBody) return undefined;
  const text = operation.resourceBody.toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`Operation body is not JSON (only text JSON is supported): ${error.message}`);
  }
}

/** The id an operation targets: its id column, or the id inside its body. */
function targetId(operation, body) {
  if (operation.id !== undefined) return operation.id;
  return body && typeof body.id === "string" ? body.id : undefined;
}

/** Runs one operation; returns its result and what to put back to undo it. */
function runOperation(collection, operation, batchKeyValues) {
  const keyValues = operation.partitionKey !== undefined ? parsePartitionKeyJson(operation.partitionKey) : batchKeyValues;
  const body = parseResourceBody(operation);
  const id = targetId(operation, body);
  const input = {
    id,
    body,
    keyValues,
    ifMatch: operation.ifMatch,
    ifNoneMatch: operation.ifNoneMatch
  };
  const displaced = id === undefined ? undefined : operations.findDocument(collection, id, keyValues);
  let result;
  switch (operation.operationType) {
    case OperationType.Create: result = operations.createDocument(collection, input); break;
    case OperationType.Read: result = operations.readDocument(collection, input); break;
    case OperationType.Replace: result = operations.replaceDocument(collection, { ...input, id: undefined }); break;
    case OperationType.Upsert: result = operations.upsertDocument(collection, input); break;
    case OperationType.Delete: result = operations.deleteDocument(collection, input); break;
    case OperationType.Patch: result = operations.patchDocument(collection, { ...input, patch: body }); break;
    default:
      result = { statusCode: 400, code: "BadRequest", message: `Operation type ${operation.operationType} is not supported in a batch.` };
  }
  const wrote = result.statusCode < 400 && operation.operationType !== OperationType.Read;
  return { result, undo: wrote ? { id, keyValues, displaced } : undefined };
}

/** Puts the displaced version back (or removes a created document). */
function undoWrite(collection, { id, keyValues, displaced }) {
  if (operations.findDocument(collection, id, keyValues)) {
    collection.documents.delete(id, storageKey(keyValues, id));
  }
  // _set is the store's own insert: it files the old object under its old _rid and keys.
  if (displaced) collection.documents._set(displaced);
}

/**
 * Runs a batch. Returns { statusCode, results } where statusCode is 200 when every operation
 * succeeded and 207 otherwise; for an atomic batch the failing operation keeps its status and every
 * other one is 424, with nothing applied.
 */
function executeOperations(collection, batchOperations, { atomic, batchKeyValues }) {
  if (batchOperations.length === 0) throw badRequest("The batch request did not have any operations.");
  if (batchOperations.length > BATCH_OPERATIONS_MAX) {
    throw badRequest(`Batch request has more operations than the limit of ${BATCH_OPERATIONS_MAX}.`);
  }
  const results = [];
  const undoLog = [];
  for (let index = 0; index < batchOperations.length; index += 1) {
    const { result, undo } = runOperation(collection, batchOperations[index], batchKeyValues);
    results.push(result);
    if (undo) undoLog.push(undo);
    if (atomic && result.statusCode >= 400) {
      undoLog.reverse().forEach(write => undoWrite(collection, write));
      return {
        statusCode: 207,
        results: batchOperations.map((_, i) => (i === index ? result : { statusCode: FAILED_DEPENDENCY }))
      };
    }
  }
  const anyFailed = results.some(result => result.statusCode >= 400);
  return { statusCode: anyFailed ? 207 : 200, results };
}

module.exports = { executeOperations, BATCH_OPERATIONS_MAX };
