#!/usr/bin/env node
"use strict";
// Command-line entry for the local Cosmos DB endpoint:
//   node emulators/cosmos/server.js --port 8081 --host 127.0.0.1 [--tls] [--trace]
// Port 0 picks a free port; the ready line names the one actually bound, so a caller
// (the test fixture, the local host) can start it without guessing ports. Port and host may also
// come from COSMOS_EMULATOR_PORT and COSMOS_EMULATOR_HOST; COSMOS_EMULATOR_TRACE=1 logs requests.
const { startCosmosEmulator } = require("./index");

function parseArguments(argv) {
  const options = {
    port: Number(process.env.COSMOS_EMULATOR_PORT || 8081),
    host: process.env.COSMOS_EMULATOR_HOST || "127.0.0.1",
    tls: false,
    trace: process.env.COSMOS_EMULATOR_TRACE === "1",
    exitWithStdin: false
  };
  for (let i = 0; i < argv.length; i += 1) {
    const argument = argv[i];
    if (argument === "--port" || argument === "-p") options.port = Number(argv[(i += 1)]);
    else if (argument === "--host") options.host = argv[(i += 1)];
    else if (argument === "--tls") options.tls = true;
    else if (argument === "--no-ssl") options.tls = false;
    else if (argument === "--trace") options.trace = true;
    else if (argument === "--exit-with-stdin") options.exitWithStdin = true;
    else if (argument === "--help" || argument === "-h") {
      process.stdout.write("usage: server.js [--port N] [--host ADDRESS] [--tls] [--trace] [--exit-with-stdin]\n");
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument: ${argument}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    process.stderr.write(`invalid port: ${options.port}\n`);
    process.exit(2);
  }
  return options;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const emulator = await startCosmosEmulator(options);
  process.stdout.write(`cosmos emulator listening on ${emulator.url}\n`);
  const stop = () => emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  if (options.exitWithStdin) {
    // A parent that starts the emulator (the test fixture) holds its stdin open; when the parent
    // dies without stopping it, the pipe closes and the emulator goes too, instead of lingering.
    process.stdin.on("end", stop);
    process.stdin.on("error", stop);
    process.stdin.resume();
  }
}

main().catch(error => {
  process.stderr.write(`cosmos emulator failed to start: ${error.stack || error}\n`);
  process.exit(1);
});
