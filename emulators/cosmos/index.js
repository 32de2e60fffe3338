"use strict";
// A local Cosmos DB endpoint for the real .NET SDK (Gateway mode): the @vercel/cosmosdb-server
// store and evaluator, started through its module API with keep-alive on, behind a thin layer that
// answers the requests the vercel handlers get wrong for the SDK (see request-router.js).
const vercel = require("@vercel/cosmosdb-server");
const accountModule = require("@vercel/cosmosdb-server/lib/account");
const { installWriteStamp } = require("./change-sequence");
const { installEqualityIndexes } = require("./equality-index");
const { installHierarchicalKeyFiling } = require("./partition-key");
const { installUrlSafeResourceIds } = require("./resource-ids");
const { routeRequest } = require("./request-router");
const { sendError, sendJson } = require("./responses");

// Node closes idle keep-alive connections after 5 s by default. The .NET client keeps pooled
// connections for longer, and a request sent on a connection the server is closing fails, so the
// server keeps them open well past the client's idle timeout.
const KEEP_ALIVE_TIMEOUT_MS = 5 * 60 * 1000;
const STATS_PATH = "/_emulator/stats";

/**
 * The vercel server builds its in-memory account inside a closure when it starts listening. To
 * answer document requests from the same store, the account class is swapped for a subclass that
 * records the instance, only while this server starts.
 */
function captureAccountOf(start) {
  const VercelAccount = accountModule.default;
  let captured;
  accountModule.default = class CapturedAccount extends VercelAccount {
    constructor(...args) {
      super(...args);
      captured = this;
    }
  };
  return start().then(
    value => {
      accountModule.default = VercelAccount;
      return { value, account: captured };
    },
    error => {
      accountModule.default = VercelAccount;
      throw error;
    }
  );
}

function createStats() {
  return { connectionsOpened: 0, connectionsOpen: 0, requests: 0 };
}

function trace(req) {
  const headers = Object.entries(req.headers)
    .filter(([name]) => /^(x-ms-(?!date|version|activity|cosmos-sdk)|a-im|if-|prefer|content-type)/.test(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
  process.stderr.write(`${req.method} ${req.url} ${headers}\n`);
}

async function handleOwnRequest(route, context) {
  try {
    await route.handler({ ...context, params: route.params });
  } catch (error) {
    const { res } = context;
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    if (error.statusCode && error.statusCode < 500) {
      sendError(res, error.statusCode, "BadRequest", error.message);
      return;
    }
    process.stderr.write(`cosmos emulator: ${error.stack || error}\n`);
    sendError(res, 500, "InternalServerError", error.message);
  }
}

/** Starts the endpoint. Resolves to { url, port, server, stats, close() }. */
async function startCosmosEmulator({ port = 8081, host = "127.0.0.1", tls = false, trace: tracing = false } = {}) {
  installWriteStamp();
  installEqualityIndexes();
  installHierarchicalKeyFiling();
  installUrlSafeResourceIds();
  const stats = createStats();
  const create = tls ? vercel.createHttpsServer : vercel.createHttpServer;
  const server = create({ keepAlive: true });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const vercelListeners = server.listeners("request");
  server.removeAllListeners("request");
  let account;
  server.on("connection", socket => {
    stats.connectionsOpened += 1;
    stats.connectionsOpen += 1;
    socket.on("close", () => {
      stats.connectionsOpen -= 1;
    });
  });
  server.on("request", (req, res) => {
    stats.requests += 1;
    if (tracing) trace(req);
    const pathname = req.url.split("?", 1)[0];
    if (pathname === STATS_PATH) {
      sendJson(res, 200, { ...stats });
      return;
    }
    let route;
    try {
      route = routeRequest(req, pathname);
    } catch (error) {
      sendError(res, 400, "BadRequest", `Malformed request path: ${error.message}`);
      return;
    }
    if (route) {
      handleOwnRequest(route, { account, req, res });
      return;
    }
    vercelListeners.forEach(listener => listener.call(server, req, res));
  });
  const started = await captureAccountOf(
    () => new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    })
  );
  account = started.account;
  const bound = server.address();
  const urlHost = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return {
    server,
    stats,
    port: bound.port,
    url: `${tls ? "https" : "http"}://${urlHost}:${bound.port}/`,
    close: () => new Promise(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  };
}

module.exports = { startCosmosEmulator };
