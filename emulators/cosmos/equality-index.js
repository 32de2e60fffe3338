"use strict";
// Equality indexes. The service answers `WHERE c.state = 'pending'` from its index, so a query costs about what it
// selects; the vercel store has none, and every query scanned the whole container. A webhook worker asking for its
// endpoint's few pending deliveries among 40,000 delivered ones then cost the emulator more than the payments did
// (2026-12-01). So each collection keeps, for every top-level property that a query has filtered on by equality, the
// _rids of the documents holding each scalar value there, updated by every store write. A query runs over the
// documents of its smallest matching bucket, still through its whole WHERE: the index only narrows what is scanned,
// it decides nothing. A partition-scoped request counts as an equality on its (single, top-level) key path.
// The evaluator orders rows by _rid where the query does not order them (and breaks ORDER BY ties so), so the
// candidates' order does not change a result.
const Documents = require("@vercel/cosmosdb-server/lib/account/documents").default;

const fieldsOfStore = new WeakMap();
let installed = false;

/** Keeps the built indexes current through the store's two write paths (_set; delete, which replace also calls). */
function installEqualityIndexes() {
  if (installed) return;
  installed = true;
  const storeSet = Documents.prototype._set;
  Documents.prototype._set = function indexedSet(data) {
    const present = this._data.get(data._rid);
    const before = present && present.read();
    const stored = storeSet.call(this, data);
    for (const [field, buckets] of fieldsOf(this)) {
      if (before) removeFrom(buckets, before[field], data._rid);
      addTo(buckets, data[field], data._rid);
    }
    return stored;
  };
  const storeDelete = Documents.prototype.delete;
  Documents.prototype.delete = function indexedDelete(idOrRid, partition) {
    const document = this._item("/id", idOrRid, partition).read();
    storeDelete.call(this, idOrRid, partition);
    if (!document) return;
    for (const [field, buckets] of fieldsOf(this)) removeFrom(buckets, document[field], document._rid);
  };
}

/** The store's built indexes: property name -> (value key -> _rids). */
function fieldsOf(documents) {
  let fields = fieldsOfStore.get(documents);
  if (!fields) fieldsOfStore.set(documents, (fields = new Map()));
  return fields;
}

/** The bucket key of a scalar; undefined for objects, arrays and absent values, which no `= constant` matches. */
function keyOf(value) {
  switch (typeof value) {
    case "string": return `s${value}`;
    case "number": return `n${value}`;
    case "boolean": return value ? "t" : "f";
    default: return value === null ? "z" : undefined;
  }
}

function addTo(buckets, value, rid) {
  const key = keyOf(value);
  if (key === undefined) return;
  let bucket = buckets.get(key);
  if (!bucket) buckets.set(key, (bucket = new Set()));
  bucket.add(rid);
}

function removeFrom(buckets, value, rid) {
  const key = keyOf(value);
  const bucket = key === undefined ? undefined : buckets.get(key);
  if (!bucket) return;
  bucket.delete(rid);
  if (bucket.size === 0) buckets.delete(key);
}

/** The index of one property, built from the stored documents the first time a query filters on it. */
function bucketsOf(documents, field) {
  const fields = fieldsOf(documents);
  let buckets = fields.get(field);
  if (!buckets) {
    buckets = new Map();
    for (const [rid, item] of documents._data) addTo(buckets, item.read()[field], rid);
    fields.set(field, buckets);
  }
  return buckets;
}

/**
 * The documents that can satisfy every equality in `equalities` ([{ field, value }]): those of the smallest bucket.
 * Undefined when there is no equality to narrow by (the caller scans everything).
 */
function candidateDocuments(documents, equalities) {
  if (equalities.length === 0) return undefined;
  let smallest;
  for (const { field, value } of equalities) {
    const bucket = bucketsOf(documents, field).get(keyOf(value));
    if (!bucket) return [];
    if (!smallest || bucket.size < smallest.size) smallest = bucket;
  }
  return [...smallest].map(rid => documents._data.get(rid).read());
}

const CONSTANTS = { string_constant: true, number_constant: true, boolean_constant: true, null_constant: true };

/** The root alias of `FROM c` / `FROM root c`; undefined for FROM x IN ..., a JOIN or anything else. */
function rootAlias(ast) {
  const from = ast.body && ast.body.from;
  if (!from || (from.joins && from.joins.length > 0)) return undefined;
  const { expression, alias } = from.source;
  if (expression.type !== "collection_expression" || expression.expression.type !== "identifier") return undefined;
  return alias ? alias.name : expression.expression.name;
}

/** `alias.name` or `alias["name"]`: the top-level property it reads, or undefined. */
function topLevelProperty(node, alias) {
  if (node.type !== "scalar_member_expression" || node.object.type !== "identifier" || node.object.name !== alias) return undefined;
  const { property, computed } = node;
  if (!computed && property.type === "identifier") return property.name;
  if (computed && property.type === "string_constant") return property.value;
  return undefined;
}

/** The scalar a constant or a parameter stands for; `found: false` when it is neither (or a parameter is missing). */
function scalarOf(node, parameters) {
  if (CONSTANTS[node.type]) return { found: true, value: node.type === "null_constant" ? null : node.value };
  if (node.type !== "parameter_name") return { found: false };
  // The last of a name, as the evaluator takes it.
  const parameter = (parameters || []).findLast(p => p.name === node.name);
  return parameter && keyOf(parameter.value) !== undefined ? { found: true, value: parameter.value } : { found: false };
}

/**
 * The `property = scalar` terms that every row of the query must satisfy: the WHERE's top-level AND chain only (an
 * OR, NOT or conditional above a term makes it no longer required, so such terms are not taken).
 */
function queryEqualities(ast, parameters) {
  const alias = rootAlias(ast);
  const where = ast.body && ast.body.where;
  if (alias === undefined || !where) return [];
  const equalities = [];
  const visit = node => {
    if (node.type !== "scalar_binary_expression") return;
    if (node.operator === "AND") {
      visit(node.left);
      visit(node.right);
      return;
    }
    if (node.operator !== "=") return;
    for (const [member, other] of [[node.left, node.right], [node.right, node.left]]) {
      const field = topLevelProperty(member, alias);
      const scalar = scalarOf(other, parameters);
      if (field !== undefined && scalar.found) {
        equalities.push({ field, value: scalar.value });
        return;
      }
    }
  };
  visit(where.condition);
  return equalities;
}

module.exports = { installEqualityIndexes, candidateDocuments, queryEqualities };
