"use strict";
// The change feed in "latest version" mode, as the SDK reads it through the gateway:
//   GET .../docs with `A-IM: Incremental feed`;
//   `If-None-Match` carries the continuation: absent = from the beginning, `*` = from now,
//   otherwise the etag of the previous page; `If-Modified-Since` = from a point in time;
//   `x-ms-max-item-count` caps a page; `x-ms-documentdb-partitionkey` scopes it to one partition.
// The answer lists each changed document once (its latest version) in write order, with `_lsn`,
// and its `etag` header is the next continuation. 304 with no items means caught up. A read walks
// the collection's write log from the continuation on (change-sequence.js), so a caught-up poll
// costs nothing however many documents the collection holds.
const { currentSequence, changesAfter } = require("./change-sequence");
const { findCollection } = require("./document-operations");
const { scopeOf } = require("./query-routes");
const { sendJson, sendError } = require("./responses");

const PAGE_SIZE_DEFAULT = 1000;

function isChangeFeedRequest(req) {
  return typeof req.headers["a-im"] === "string";
}

/** The sequence number after which to read, from the request's continuation. */
function startSequence(req) {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch === "*") return currentSequence();
  if (!ifNoneMatch) return 0;
  const sequence = Number.parseInt(ifNoneMatch.replace(/"/g, ""), 10);
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    const error = new Error(`Invalid change feed continuation: ${ifNoneMatch}`);
    error.statusCode = 400;
    throw error;
  }
  return sequence;
}

/** Seconds since the epoch from If-Modified-Since, or 0 when absent. */
function modifiedSinceSeconds(req) {
  const header = req.headers["if-modified-since"];
  if (!header) return 0;
  const milliseconds = Date.parse(header);
  return Number.isNaN(milliseconds) ? 0 : Math.floor(milliseconds / 1000);
}

function pageSize(req) {
  const requested = Number.parseInt(req.headers["x-ms-max-item-count"] || "-1", 10);
  return requested > 0 ? requested : PAGE_SIZE_DEFAULT;
}

function readChangeFeed({ account, req, res, params }) {
  const collection = findCollection(account, params.dbId, params.collId);
  if (!collection) {
    sendError(res, 404, "NotFound", "Resource Not Found. The database or container does not exist.");
    return;
  }
  if (!/^incremental feed$/i.test(req.headers["a-im"])) {
    sendError(res, 400, "BadRequest", `Only the latest-version change feed (A-IM: Incremental feed) is supported, not '${req.headers["a-im"]}'.`);
    return;
  }
  const after = startSequence(req);
  const since = modifiedSinceSeconds(req);
  const inScope = scopeOf(collection, req);
  const size = pageSize(req);
  const changed = [];
  for (const change of changesAfter(collection.documents, after)) {
    if (change.document._ts >= since && (!inScope || inScope(change.document))) changed.push(change);
    if (changed.length === size) break;
  }
  if (changed.length === 0) {
    sendJson(res, 304, undefined, { etag: `"${after}"`, "x-ms-item-count": "0" });
    return;
  }
  const last = changed[changed.length - 1].sequence;
  const documents = changed.map(change => ({ ...change.document, _lsn: change.sequence }));
  sendJson(
    res,
    200,
    { _rid: collection.read()._rid, Documents: documents, _count: documents.length },
    { etag: `"${last}"`, "x-ms-item-count": String(documents.length), lsn: String(last) }
  );
}

module.exports = { isChangeFeedRequest, readChangeFeed };
