"use strict";
// HTTP handlers for point operations on one document (read, create, upsert, replace, delete,
// patch). They translate headers to the inputs of document-operations.js and its results back to
// responses. The vercel handlers for these routes crash on a missing item (500 instead of 404),
// ignore If-None-Match, and lower-case patch conditions, so this layer answers them itself.
const operations = require("./document-operations");
const { parsePartitionKeyHeader } = require("./partition-key");
const { readJsonBody, sendJson, sendError } = require("./responses");

/** Sends an operation's result. `Prefer: return=minimal` (EnableContentResponseOnWrite=false) drops the body. */
function sendResult(req, res, result) {
  if (result.statusCode >= 400) {
    sendError(res, result.statusCode, result.code, result.message);
    return;
  }
  const etag = result.body ? result.body._etag : result.etag;
  const headers = etag ? { etag } : {};
  const minimal = /return=minimal/i.test(req.headers.prefer || "");
  sendJson(res, result.statusCode, minimal ? undefined : result.body, headers);
}

function requestInput(req, params) {
  return {
    id: params.docId,
    keyValues: parsePartitionKeyHeader(req),
    ifMatch: req.headers["if-match"],
    ifNoneMatch: req.headers["if-none-match"]
  };
}

async function withBody(req) {
  try {
    return { body: await readJsonBody(req) };
  } catch (error) {
    return { invalid: { statusCode: 400, code: "BadRequest", message: `The request body is not valid JSON: ${error.message}` } };
  }
}

/** Wraps an operation into a handler: resolves the collection (404 when missing) and the body. */
function documentHandler(run, { needsBody }) {
  return async ({ account, req, res, params }) => {
    const collection = operations.findCollection(account, params.dbId, params.collId);
    if (!collection) {
      sendError(res, 404, "NotFound", "Resource Not Found. The database or container does not exist.");
      return;
    }
    const input = requestInput(req, params);
    if (needsBody) {
      const { body, invalid } = await withBody(req);
      if (invalid) {
        sendResult(req, res, invalid);
        return;
      }
      input.body = body;
    }
    sendResult(req, res, run(collection, input));
  };
}

module.exports = {
  readDocument: documentHandler(operations.readDocument, { needsBody: false }),
  deleteDocument: documentHandler(operations.deleteDocument, { needsBody: false }),
  createDocument: documentHandler(operations.createDocument, { needsBody: true }),
  upsertDocument: documentHandler(operations.upsertDocument, { needsBody: true }),
  replaceDocument: documentHandler(operations.replaceDocument, { needsBody: true }),
  patchDocument: documentHandler(
    (collection, input) => operations.patchDocument(collection, { ...input, patch: input.body }),
    { needsBody: true }
  )
};
