// The test CLI host: one process for a whole jest run that runs `tenantctl` commands for the tests on warm worker
// threads (cli-worker.js), so a command costs its own work, not a node start and the Pulumi SDK's loading. Started by
// jest's globalSetup (hosts.js); the tests reach it through TENANTCTL_TEST_CLI_HOST (client.ts). Requests: HTTP POST
// on a unix socket, body {argv, cwd, env}, answer {code, stdout, stderr}.
"use strict";
const http = require("node:http");
const { join } = require("node:path");
const { exitWithParent, threadPool } = require("./thread-pool");

const run = threadPool(join(__dirname, "cli-worker.js"), {
  retireAfter: 60,
  keepIdle: 2,
  // What a process would show: an uncaught error's stack on stderr and exit code 1; process.exit's own code.
  crashed: (error) => ({ code: 1, stdout: "", stderr: `${error instanceof Error ? error.stack : String(error)}\n` }),
  exited: (code) => ({ code, stdout: "", stderr: "" }),
});

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    let job;
    try {
      job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (error) {
      res.writeHead(400).end(String(error));
      return;
    }
    void run({ argv: job.argv, cwd: job.cwd, env: job.env }).then((result) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: result.code, stdout: result.stdout, stderr: result.stderr }));
    });
  });
});
// Requests can take minutes (a fleet upgrade): no server-side timeouts.
server.requestTimeout = 0;
server.headersTimeout = 0;
server.keepAliveTimeout = 0;
server.listen(process.argv[2], () => process.stdout.write("ready\n"));
exitWithParent();
