"use strict";
// Write order for the change feed. The vercel store keeps no record of when a document was
// written, so every stored document version gets a number from one process-wide counter the
// moment the store files it (Documents#_set is the single place every create, replace, upsert and
// patch passes through). The number lives in a WeakMap, not in the document, so reads and queries
// return exactly what the service would; the change feed adds it as `_lsn`, like the service.
//
// Each collection also keeps a write log: (number, _rid) in write order. The change feed reads it
// from its continuation on (a binary search), instead of scanning and sorting every document on
// every poll, and keeps an entry only while it names the document's current version: a replaced,
// deleted or rolled-back version has another number (or none) under that _rid now.
//
// A batch that rolls back puts the previous document objects back; they keep the numbers they had
// (and their log entries, which name them again), so a rolled-back write leaves no trace in the feed.
const Documents = require("@vercel/cosmosdb-server/lib/account/documents").default;

/** The log is rebuilt from the current versions when it holds this many times as many entries. */
const LOG_SLACK = 2;
const LOG_MIN_TO_COMPACT = 1024;

const sequenceOfVersion = new WeakMap();
const logOfCollection = new WeakMap();
let lastSequence = 0;
let installed = false;

function installWriteStamp() {
  if (installed) return;
  installed = true;
  const storeSet = Documents.prototype._set;
  Documents.prototype._set = function stampedSet(data) {
    if (!sequenceOfVersion.has(data)) {
      lastSequence += 1;
      sequenceOfVersion.set(data, lastSequence);
      append(this, lastSequence, data._rid);
    } else {
      // A version put back (a batch rolling back): its entry may have been compacted away meanwhile.
      keep(this, sequenceOfVersion.get(data), data._rid);
    }
    return storeSet.call(this, data);
  };
}

function logOf(documents) {
  let log = logOfCollection.get(documents);
  if (!log) {
    log = { sequences: [], rids: [] };
    logOfCollection.set(documents, log);
  }
  return log;
}

function append(documents, sequence, rid) {
  const log = logOf(documents);
  log.sequences.push(sequence);
  log.rids.push(rid);
  if (log.sequences.length >= LOG_MIN_TO_COMPACT && log.sequences.length > LOG_SLACK * (documents._data.size + 1)) {
    compact(documents, log);
  }
}

/** Makes sure the log has the entry of this version, at its place in write order. */
function keep(documents, sequence, rid) {
  const log = logOf(documents);
  const at = firstAfter(log.sequences, sequence - 1);
  if (log.sequences[at] === sequence) return;
  log.sequences.splice(at, 0, sequence);
  log.rids.splice(at, 0, rid);
}

/** Keeps only the entries of current versions, still in write order. */
function compact(documents, log) {
  const current = [];
  for (let i = 0; i < log.sequences.length; i++) {
    if (currentVersion(documents, log.sequences[i], log.rids[i])) current.push(i);
  }
  log.sequences = current.map(i => log.sequences[i]);
  log.rids = current.map(i => log.rids[i]);
}

/** The document stored under `rid` if it is the version numbered `sequence`; otherwise undefined. */
function currentVersion(documents, sequence, rid) {
  const item = documents._data.get(rid);
  const document = item && item.read();
  return document && sequenceOfVersion.get(document) === sequence ? document : undefined;
}

/** The first index whose number is above `after` (the log is in ascending order). */
function firstAfter(sequences, after) {
  let low = 0;
  let high = sequences.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sequences[middle] <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The current versions written after number `after`, in write order, each with its number:
 * yields { document, sequence }. Versions written while the caller iterates may or may not be seen.
 */
function* changesAfter(documents, after) {
  const log = logOf(documents);
  const { sequences, rids } = log;
  for (let i = firstAfter(sequences, after); i < sequences.length; i++) {
    const document = currentVersion(documents, sequences[i], rids[i]);
    if (document) yield { document, sequence: sequences[i] };
  }
}

/** The sequence number of a stored document version (0 if it predates the stamp). */
function sequenceOf(document) {
  return sequenceOfVersion.get(document) || 0;
}

function currentSequence() {
  return lastSequence;
}

module.exports = { installWriteStamp, sequenceOf, currentSequence, changesAfter };
