"use strict";
// POST .../docs with `x-ms-cosmos-is-batch-request: True`: a TransactionalBatch
// (`x-ms-cosmos-batch-atomic: True`, partition in `x-ms-documentdb-partitionkey`) or a bulk
// request from AllowBulkExecution (not atomic, each operation names its own partition).
const { OperationType, decodeBatchRequest, encodeBatchResponse } = require("./batch-codec");
const { executeOperations } = require("./batch-execution");
const { findCollection } = require("./document-operations");
const { parsePartitionKeyHeader } = require("./partition-key");
const { readBody, sendBinary, sendError } = require("./responses");

const BATCH_BODY_BYTES_MAX = 2 * 1024 * 1024;

function isTrue(value) {
  return typeof value === "string" && value.toLowerCase() === "true";
}

function encodeResult(result, minimalReturn) {
  const encoded = { statusCode: result.statusCode, subStatusCode: 0 };
  const body = result.body;
  if (body && body._etag) encoded.eTag = body._etag;
  else if (result.etag) encoded.eTag = result.etag;
  if (body && result.statusCode < 400 && !minimalReturn) encoded.resourceBody = Buffer.from(JSON.stringify(body), "utf8");
  return encoded;
}

async function executeBatch({ account, req, res, params }) {
  const collection = findCollection(account, params.dbId, params.collId);
  if (!collection) {
    sendError(res, 404, "NotFound", "Resource Not Found. The database or container does not exist.");
    return;
  }
  const body = await readBody(req);
  if (body.length > BATCH_BODY_BYTES_MAX) {
    sendError(res, 413, "RequestEntityTooLarge", `The batch request is larger than ${BATCH_BODY_BYTES_MAX} bytes.`);
    return;
  }
  const batchOperations = decodeBatchRequest(body);
  const atomic = isTrue(req.headers["x-ms-cosmos-batch-atomic"]);
  const outcome = executeOperations(collection, batchOperations, {
    atomic,
    batchKeyValues: parsePartitionKeyHeader(req)
  });
  // EnableContentResponseOnWrite = false marks writes "minimal": their results carry the etag only.
  const encoded = outcome.results.map((result, index) => {
    const operation = batchOperations[index];
    return encodeResult(result, operation.minimalReturnPreference === true && operation.operationType !== OperationType.Read);
  });
  sendBinary(res, outcome.statusCode, encodeBatchResponse(encoded));
}

module.exports = { executeBatch };
