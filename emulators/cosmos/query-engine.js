"use strict";
// Runs Cosmos SQL through the evaluator the vercel server uses (@zeit/cosmosdb-query), over a
// list of documents this layer chose (one logical partition, or all of them). Compiling a query
// turns it into JavaScript through Babel, which costs milliseconds, so compiled queries are kept.
const compile = require("@zeit/cosmosdb-query").default;
const { SyntaxError: QuerySyntaxError } = require("@zeit/cosmosdb-query");

const COMPILED_QUERIES_MAX = 500;
const compiledQueries = new Map();

// The evaluator turns "FROM c" into `$c.reduce(($, c) => ... [...$, { c: c }] ...)`, which copies the
// whole array once per document: a scan of n documents costs n²/2 copies (a 60,000-document container
// took 40 s per query). The same rows, built in one pass:
const QUADRATIC_FROM = /\$c\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*\1: \1\s*\}\] : \$, \[\]\)/g;

// Its helper that drops undefined values from results spreads the result array once per row as well (n²
// again for a query returning many rows). Replaced, same semantics, one pass; the package version is pinned.
const evaluatorHelpers = require("@zeit/cosmosdb-query/lib/helpers");
evaluatorHelpers.stripUndefined = function stripUndefined(value) {
  if (Array.isArray(value)) {
    const kept = [];
    for (const item of value) if (typeof item !== "undefined") kept.push(stripUndefined(item));
    return kept;
  }
  if (value && typeof value === "object") {
    const copy = {};
    for (const [key, item] of Object.entries(value)) if (typeof item !== "undefined") copy[key] = stripUndefined(item);
    return copy;
  }
  return value;
};

function linearScan(code) {
  return code.replace(QUADRATIC_FROM, (_, alias) =>
    `$c.filter(${alias} => typeof ${alias} !== "undefined").map(${alias} => ({ ${alias}: ${alias} }))`);
}

function compiledQuery(sql) {
  let compiled = compiledQueries.get(sql);
  if (!compiled) {
    compiled = compile(sql);
    compiled._code = linearScan(compiled.code);
    if (compiledQueries.size >= COMPILED_QUERIES_MAX) {
      compiledQueries.delete(compiledQueries.keys().next().value);
    }
    compiledQueries.set(sql, compiled);
  }
  return compiled;
}

/**
 * Every stored document of a collection, in the store's order. Reads the store's private map
 * (the package version is pinned exactly) because its public read() re-runs "SELECT *" on the
 * whole collection, which is the slowest thing on the hot path.
 */
function storedDocuments(collection) {
  const documents = [];
  for (const item of collection.documents._data.values()) documents.push(item.read());
  return documents;
}

function userDefinedFunctions(collection) {
  return collection.userDefinedFunctions.functions;
}

// The evaluator's grammar has neither OFFSET ... LIMIT nor DISTINCT. A trailing OFFSET/LIMIT and
// a leading DISTINCT (with the TOP next to it) are cut off here, the rest of the query runs whole,
// and the cut parts are applied to its result in the service's order: DISTINCT, OFFSET/LIMIT, TOP.
const TRAILING_OFFSET_LIMIT = /\s+OFFSET\s+(\d+|@\w+)\s+LIMIT\s+(\d+|@\w+)\s*$/i;
const LEADING_MODIFIERS = /^(\s*SELECT\s+)((?:(?:DISTINCT|TOP\s+(?:\d+|@\w+))\s+)+)/i;

function parameterValue(token, parameters) {
  if (!token.startsWith("@")) return Number(token);
  const parameter = (parameters || []).find(p => p.name === token);
  return parameter ? Number(parameter.value) : Number.NaN;
}

/** Splits `sql` into what the evaluator can run and the steps to apply to its result. */
function rewriteForEvaluator(sql, parameters) {
  const rewrite = { sql };
  const window = TRAILING_OFFSET_LIMIT.exec(rewrite.sql);
  if (window) {
    rewrite.sql = rewrite.sql.slice(0, window.index);
    rewrite.offset = parameterValue(window[1], parameters);
    rewrite.limit = parameterValue(window[2], parameters);
  }
  const modifiers = LEADING_MODIFIERS.exec(rewrite.sql);
  if (modifiers && /DISTINCT/i.test(modifiers[2])) {
    rewrite.sql = modifiers[1] + rewrite.sql.slice(modifiers[0].length);
    rewrite.distinct = true;
    const top = /TOP\s+(\d+|@\w+)/i.exec(modifiers[2]);
    if (top) rewrite.top = parameterValue(top[1], parameters);
  }
  return rewrite;
}

function needsPostProcessing(rewrite) {
  return rewrite.distinct || rewrite.offset !== undefined;
}

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map(key => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

function applyPostProcessing(rows, rewrite) {
  let result = rows;
  if (rewrite.distinct) {
    const seen = new Set();
    result = result.filter(row => {
      const key = canonicalJson(row);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (rewrite.offset !== undefined) {
    if (![rewrite.offset, rewrite.limit].every(n => Number.isInteger(n) && n >= 0)) {
      throw new Error("OFFSET and LIMIT must be non-negative integers.");
    }
    result = result.slice(rewrite.offset, rewrite.offset + rewrite.limit);
  }
  if (rewrite.top !== undefined) result = result.slice(0, rewrite.top);
  return result;
}

/**
 * Executes `sql` over `documents`. Returns { result, continuation }, or throws an error carrying
 * statusCode 400 for a syntax or evaluation error.
 */
function runQuery(collection, documents, { sql, parameters, maxItemCount, continuation }) {
  const collectionData = collection.read();
  const compositeIndexes = ((collectionData.indexingPolicy || {}).compositeIndexes) || [];
  refuseUnsupported(sql);
  const rewrite = rewriteForEvaluator(sql, parameters);
  const options = { parameters: parameters || [], udf: userDefinedFunctions(collection), compositeIndexes };
  try {
    if (!needsPostProcessing(rewrite)) {
      return compiledQuery(sql).exec(documents, {
        ...options,
        maxItemCount: maxItemCount > 0 ? maxItemCount : undefined,
        continuation
      });
    }
    const rows = compiledQuery(rewrite.sql).exec(documents, options).result;
    return pageOfRows(applyPostProcessing(rows, rewrite), maxItemCount, continuation);
  } catch (error) {
    error.statusCode = 400;
    throw error;
  }
}

/** Pages a fully computed result; the continuation is the position in it. */
function pageOfRows(rows, maxItemCount, continuation) {
  const start = (continuation && continuation.rowPosition) || 0;
  const end = maxItemCount > 0 ? start + maxItemCount : rows.length;
  return {
    result: rows.slice(start, end),
    continuation: end < rows.length ? { rowPosition: end } : undefined
  };
}

// GROUP BY is outside the evaluator's grammar and is not emulated; saying so beats a parser error.
const GROUP_BY = /\bGROUP\s+BY\b/i;

function refuseUnsupported(sql) {
  if (GROUP_BY.test(sql)) {
    const error = new Error("GROUP BY is not supported by the local Cosmos emulator.");
    error.statusCode = 400;
    throw error;
  }
}

/** The syntax tree of what the evaluator runs of `sql` (without the DISTINCT, OFFSET and LIMIT cut off here). */
function evaluatorAst(sql, parameters) {
  refuseUnsupported(sql);
  return compiledQuery(rewriteForEvaluator(sql, parameters).sql).ast;
}

/** Parses a query without running it; returns the error to report, or undefined. */
function syntaxErrorOf(sql) {
  refuseUnsupported(sql);
  try {
    compiledQuery(rewriteForEvaluator(sql).sql);
    return undefined;
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
}

module.exports = { compiledQuery, evaluatorAst, linearScan, storedDocuments, runQuery, syntaxErrorOf };
