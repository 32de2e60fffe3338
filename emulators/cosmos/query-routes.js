"use strict";
// Queries and ReadFeed, scoped to the logical partition the SDK names.
//
// Before every query the SDK asks the gateway for a query plan
// (`x-ms-cosmos-is-query-plan-request: True`). This endpoint has one partition key range, so the
// plan is a pass-through: no client-side ORDER BY, aggregate, DISTINCT or paging rewrites, one
// range covering everything. The SDK then sends the query as is and the evaluator here runs all of
// it (ORDER BY, COUNT, SUM, TOP, OFFSET/LIMIT, VALUE), which is why the plan may stay empty.
//
// A partition-scoped query carries `x-ms-documentdb-partitionkey` (or, for a prefix of a
// hierarchical key, an EPK range); the vercel server ignores both, so the documents are filtered
// to that scope before the query runs.
const { findCollection } = require("./document-operations");
const { documentEpk, isInEpkRange, requestedEpkRange } = require("./effective-partition-key");
const { candidateDocuments, queryEqualities } = require("./equality-index");
const { ABSENT, isInPartition, parsePartitionKeyHeader, partitionKeyPaths } = require("./partition-key");
const { compiledQuery, evaluatorAst, runQuery, storedDocuments, syntaxErrorOf } = require("./query-engine");
const { readJsonBody, sendJson, sendError } = require("./responses");

const FULL_RANGE = { min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false };

function passThroughQueryPlan() {
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: "None",
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: [],
      groupByAliases: [],
      aggregates: [],
      groupByAliasToAggregateType: {},
      rewrittenQuery: "",
      hasSelectValue: false,
      dCountInfo: null,
      hasNonStreamingOrderBy: false
    },
    queryRanges: [FULL_RANGE]
  };
}

function notFoundCollection(res) {
  sendError(res, 404, "NotFound", "Resource Not Found. The database or container does not exist.");
}

async function readQuerySpec(req, res) {
  let spec;
  try {
    spec = await readJsonBody(req);
  } catch (error) {
    sendError(res, 400, "BadRequest", `The query body is not valid JSON: ${error.message}`);
    return undefined;
  }
  if (!spec || typeof spec.query !== "string") {
    sendError(res, 400, "BadRequest", "The query body must have a 'query' string.");
    return undefined;
  }
  return spec;
}

/** POST .../docs with x-ms-cosmos-is-query-plan-request: answers the pass-through plan. */
async function queryPlan({ account, req, res, params }) {
  if (!findCollection(account, params.dbId, params.collId)) return notFoundCollection(res);
  const spec = await readQuerySpec(req, res);
  if (!spec) return undefined;
  const syntaxError = syntaxErrorOf(spec.query);
  if (syntaxError) return sendError(res, 400, "BadRequest", `Syntax error: ${syntaxError.message}`);
  return sendJson(res, 200, passThroughQueryPlan());
}

function pagingOf(req) {
  const maxItemCount = Number.parseInt(req.headers["x-ms-max-item-count"] || "-1", 10);
  const raw = req.headers["x-ms-continuation"];
  let continuation;
  if (raw) {
    try {
      continuation = JSON.parse(raw);
    } catch (error) {
      const invalid = new Error(`Invalid continuation token: ${raw}`);
      invalid.statusCode = 400;
      throw invalid;
    }
  }
  return { maxItemCount, continuation };
}

/**
 * The documents a request may see: its logical partition, the EPK range it names (a prefix of a
 * hierarchical key), or everything; narrowed first, for a query (`spec`), to those an equality it
 * requires can hold for (equality-index.js).
 */
function documentsInScope(collection, req, spec) {
  const inScope = scopeOf(collection, req);
  const equalities = spec ? equalitiesOf(spec) : [];
  const keyValues = parsePartitionKeyHeader(req);
  const paths = partitionKeyPaths(collection.read());
  if (keyValues !== undefined && keyValues.length === 1 && paths.length === 1 && paths[0].length === 1 && keyValues[0] !== ABSENT) {
    equalities.push({ field: paths[0][0], value: keyValues[0] });
  }
  const documents = candidateDocuments(collection.documents, equalities) || storedDocuments(collection);
  return inScope ? documents.filter(inScope) : documents;
}

/** The equalities every row of the query requires (equality-index.js); none when it does not parse (runQuery says why). */
function equalitiesOf(spec) {
  try {
    return queryEqualities(evaluatorAst(spec.query, spec.parameters), spec.parameters);
  } catch (error) {
    return [];
  }
}

/**
 * Whether a document is in the partition or partition key range the request names, as a test; null
 * when it names neither (every document is in scope).
 */
function scopeOf(collection, req) {
  const keyValues = parsePartitionKeyHeader(req);
  const epkRange = requestedEpkRange(req);
  const paths = partitionKeyPaths(collection.read());
  if (keyValues !== undefined) return document => isInPartition(document, paths, keyValues);
  if (epkRange === undefined || (epkRange.start === "" && epkRange.end === "FF")) return null;
  const definition = collection.read().partitionKey || {};
  if (definition.kind !== "MultiHash" && definition.version !== 2) {
    const error = new Error("Effective partition key ranges are only supported for containers with hash version 2.");
    error.statusCode = 400;
    throw error;
  }
  return document => isInEpkRange(documentEpk(document, paths), epkRange);
}

function sendPage(res, collection, page) {
  const headers = { "x-ms-item-count": String(page.result.length) };
  if (page.continuation) headers["x-ms-continuation"] = JSON.stringify(page.continuation);
  sendJson(res, 200, { _rid: collection.read()._rid, Documents: page.result, _count: page.result.length }, headers);
}

/**
 * Like the service (and the vercel handler), a query that names no partition, no partition key
 * range and does not allow cross-partition execution must filter on the partition key itself.
 */
function isCrossPartitionRefused(req, collection, sql) {
  const headers = req.headers;
  if (headers["x-ms-documentdb-partitionkey"] !== undefined) return false;
  if (headers["x-ms-documentdb-partitionkeyrangeid"] !== undefined) return false;
  if (String(headers["x-ms-documentdb-query-enablecrosspartition"]).toLowerCase() === "true") return false;
  const paths = ((collection.read().partitionKey || {}).paths || []).filter(path => path !== "/_partitionKey");
  if (paths.length === 0) return false;
  try {
    return !compiledQuery(sql).containsPartitionKeys(paths);
  } catch (error) {
    return false; // Not parseable as is (DISTINCT, OFFSET/LIMIT, syntax errors): runQuery reports it.
  }
}

/** POST .../docs as a query. */
async function queryDocuments({ account, req, res, params }) {
  const collection = findCollection(account, params.dbId, params.collId);
  if (!collection) return notFoundCollection(res);
  const spec = await readQuerySpec(req, res);
  if (!spec) return undefined;
  if (isCrossPartitionRefused(req, collection, spec.query)) {
    return sendError(res, 400, "BadRequest",
      "Cross partition query is required but disabled. Please set x-ms-documentdb-query-enablecrosspartition to true, specify x-ms-documentdb-partitionkey, or revise your query to avoid this exception.");
  }
  const paging = pagingOf(req);
  const page = runQuery(collection, documentsInScope(collection, req, spec), {
    sql: spec.query,
    parameters: spec.parameters,
    ...paging
  });
  return sendPage(res, collection, page);
}

/** GET .../docs without A-IM: ReadFeed, a paged "SELECT * FROM c" over the scope. */
function readFeed({ account, req, res, params }) {
  const collection = findCollection(account, params.dbId, params.collId);
  if (!collection) return notFoundCollection(res);
  const page = runQuery(collection, documentsInScope(collection, req), {
    sql: "SELECT * FROM c",
    ...pagingOf(req)
  });
  return sendPage(res, collection, page);
}

module.exports = { documentsInScope, queryPlan, queryDocuments, readFeed, scopeOf };
