"use strict";
// Write order for the change feed. The vercel store keeps no record of when a document was
// written, so every stored document version gets a number from one process-wide counter the
// moment the store files it (Documents#_set is the single place every create, replace, upsert and
// patch passes through). The number lives in a WeakMap, not in the document, so reads and queries
// return exactly what the service would; the change feed adds it as `_lsn`, like the service.
//
// A batch that rolls back puts the previous document objects back; they keep the numbers they had,
// so a rolled-back write leaves no trace in the feed.
const Documents = require("@vercel/cosmosdb-server/lib/account/documents").default;

const sequenceOfVersion = new WeakMap();
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
    }
    return storeSet.call(this, data);
  };
}

/** The sequence number of a stored document version (0 if it predates the stamp). */
function sequenceOf(document) {
  return sequenceOfVersion.get(document) || 0;
}

function currentSequence() {
  return lastSequence;
}

module.exports = { installWriteStamp, sequenceOf, currentSequence };
