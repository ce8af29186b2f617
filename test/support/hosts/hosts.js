// Starts and stops the test hosts for one jest run (globalSetup / globalTeardown), and hands them to the test workers
// through the environment:
// - the CLI host (cli-server.js) as TENANTCTL_TEST_CLI_HOST: the tests' `tenantctl` commands run there
//   (test/cli/support/e2e.ts), except where a test needs a process of its own;
// - the stand-in host (standin-server.js) as PULUMI_STANDIN_HOST with its compiled client as
//   PULUMI_STANDIN_HOST_CLIENT, passed on by standinSpeedEnv (test/support/standin-harness.ts) to the stand-in
//   `pulumi`, which hands it its quick commands and the Automation API's operations (test/support/bin/pulumi).
// TENANTCTL_TEST_HOSTS=off starts neither: every command is a process of its own, as users run them. Without a build
// (dist/) or a C compiler (`cc`), the host that needs it is not started.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { existsSync, mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const ROOT = join(__dirname, "..", "..", "..");
const ENV_KEYS = ["TENANTCTL_TEST_CLI_HOST", "PULUMI_STANDIN_HOST", "PULUMI_STANDIN_HOST_CLIENT"];

let running;

/** Starts cli-server.js or standin-server.js on `socket`; resolves once it listens. */
async function startHost(server, socket) {
  const child = spawn(process.execPath, [join(__dirname, server), socket], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    let said = "";
    child.stdout.on("data", (chunk) => {
      said += chunk.toString();
      if (said.includes("ready\n")) resolve();
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${server} exited (${code}) before it was ready`)));
  });
  child.stdout.resume();
  return child;
}

/** Compiles standin-client.c to `out` with the system's `cc`; false when there is none or it fails. */
function compileStandinClient(out) {
  return spawnSync("cc", ["-O2", "-o", out, join(__dirname, "standin-client.c")], { stdio: "ignore" }).status === 0;
}

/** Stops a host started by startHost: it exits when its stdin ends. */
function stopHost(child) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdin.end();
  return exited;
}

async function startHosts() {
  for (const key of ENV_KEYS) delete process.env[key];
  if (process.env.TENANTCTL_TEST_HOSTS === "off") return;
  const dir = mkdtempSync(join(tmpdir(), "hosts-"));
  running = { dir, children: [] };
  if (existsSync(join(ROOT, "dist", "cli", "run.js"))) {
    const socket = join(dir, "cli.sock");
    running.children.push(await startHost("cli-server.js", socket));
    process.env.TENANTCTL_TEST_CLI_HOST = socket;
  }
  const client = join(dir, "standin-client");
  if (existsSync(join(ROOT, "dist", "test", "support", "standin", "commands.js")) && compileStandinClient(client)) {
    const socket = join(dir, "standin.sock");
    running.children.push(await startHost("standin-server.js", socket));
    process.env.PULUMI_STANDIN_HOST = socket;
    process.env.PULUMI_STANDIN_HOST_CLIENT = client;
  }
}

async function stopHosts() {
  for (const key of ENV_KEYS) delete process.env[key];
  if (running === undefined) return;
  const { dir, children } = running;
  running = undefined;
  await Promise.all(children.map(stopHost));
  rmSync(dir, { recursive: true, force: true });
}

module.exports = { startHosts, stopHosts, startHost, stopHost, compileStandinClient };
