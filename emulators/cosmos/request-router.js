"use strict";
// Decides which requests this layer answers itself. Everything about documents (point operations,
// queries and their plans, ReadFeed, change feed, batches) is answered here over the vercel store;
// databases, containers, partition key ranges, UDFs and the account document go to the vercel
// server's own handlers unchanged.
const documentRoutes = require("./document-routes");
const queryRoutes = require("./query-routes");
const { isChangeFeedRequest, readChangeFeed } = require("./change-feed");
const { executeBatch } = require("./batch-route");

const DOCUMENTS_PATH = /^\/+dbs\/([^/]+)\/colls\/([^/]+)\/docs\/*$/;
const DOCUMENT_PATH = /^\/+dbs\/([^/]+)\/colls\/([^/]+)\/docs\/([^/]+)\/*$/;

function isTrue(req, name) {
  const value = req.headers[name];
  return typeof value === "string" && value.toLowerCase() === "true";
}

function documentsRoute(req) {
  if (req.method === "GET") return isChangeFeedRequest(req) ? readChangeFeed : queryRoutes.readFeed;
  if (req.method !== "POST") return undefined;
  if (isTrue(req, "x-ms-cosmos-is-query-plan-request")) return queryRoutes.queryPlan;
  if (isTrue(req, "x-ms-cosmos-is-batch-request")) return executeBatch;
  if (isTrue(req, "x-ms-documentdb-isquery") || /^application\/query\+json/i.test(req.headers["content-type"] || "")) {
    return queryRoutes.queryDocuments;
  }
  if (isTrue(req, "x-ms-documentdb-is-upsert")) return documentRoutes.upsertDocument;
  return documentRoutes.createDocument;
}

const documentMethods = {
  GET: documentRoutes.readDocument,
  PUT: documentRoutes.replaceDocument,
  DELETE: documentRoutes.deleteDocument,
  PATCH: documentRoutes.patchDocument
};

/** Returns { handler, params } for a request this layer owns, or undefined to pass it on. */
function routeRequest(req, pathname) {
  let match = DOCUMENTS_PATH.exec(pathname);
  if (match) {
    const handler = documentsRoute(req);
    return handler && { handler, params: { dbId: decodeURIComponent(match[1]), collId: decodeURIComponent(match[2]) } };
  }
  match = DOCUMENT_PATH.exec(pathname);
  if (match) {
    const handler = documentMethods[req.method];
    return handler && {
      handler,
      params: {
        dbId: decodeURIComponent(match[1]),
        collId: decodeURIComponent(match[2]),
        docId: decodeURIComponent(match[3])
      }
    };
  }
  return undefined;
}

module.exports = { routeRequest };
