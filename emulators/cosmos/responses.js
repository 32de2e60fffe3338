"use strict";
// Writing responses for the requests this layer answers itself. The headers mirror what the
// vercel server adds to its own answers, because the .NET SDK reads x-ms-activity-id and
// x-ms-request-charge on every response and treats a missing one as a protocol error in places.
const { randomUUID } = require("crypto");

function standardHeaders(extraHeaders) {
  return {
    "x-ms-activity-id": randomUUID(),
    "x-ms-request-charge": "1",
    ...extraHeaders
  };
}

/** Sends a JSON body (or none for 204/304) with the standard Cosmos headers. */
function sendJson(res, statusCode, body, extraHeaders = {}) {
  const headers = standardHeaders(extraHeaders);
  if (body && body._etag && !headers.etag) headers.etag = body._etag;
  if (statusCode === 204 || statusCode === 304 || body === undefined) {
    res.writeHead(statusCode, headers);
    res.end();
    return;
  }
  // Ending with a string (not a Buffer) lets Node send the head and the body in one write instead
  // of a writev of two chunks, which measurably raises the request rate.
  const payload = JSON.stringify(body);
  headers["content-type"] = "application/json";
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(statusCode, headers);
  res.end(payload);
}

/** Sends an error in the shape the service uses ({code, message}); the SDK surfaces both. */
function sendError(res, statusCode, code, message, extraHeaders = {}) {
  sendJson(res, statusCode, { code, message }, extraHeaders);
}

/** Sends raw bytes (the binary batch response). */
function sendBinary(res, statusCode, payload, extraHeaders = {}) {
  const headers = standardHeaders(extraHeaders);
  headers["content-type"] = "application/octet-stream";
  headers["content-length"] = String(payload.length);
  res.writeHead(statusCode, headers);
  // As a latin1 string the bytes go out unchanged, in the same single write as the head (see sendJson).
  res.end(payload.toString("latin1"), "latin1");
}

/** Reads the whole request body into one Buffer. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", chunk => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function readJsonBody(req) {
  const raw = await readBody(req);
  return raw.length === 0 ? undefined : JSON.parse(raw.toString("utf8"));
}

const notFoundMessage = "Entity with the specified id does not exist in the system.";
const preconditionFailedMessage =
  "Operation cannot be performed because one of the specified precondition is not met.";

module.exports = {
  sendJson,
  sendError,
  sendBinary,
  readBody,
  readJsonBody,
  notFoundMessage,
  preconditionFailedMessage
};
