/**
 * The tests' side of the CLI host (cli-server.js): runs one `tenantctl` command there and returns what a process would
 * have: exit code, stdout, stderr. undefined when no host runs (TENANTCTL_TEST_HOSTS=off, or jest started without
 * the global setup), so the caller runs the binary instead.
 */
import { request } from "node:http";

export interface HostRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cliHost(): string | undefined {
  const socket = process.env.TENANTCTL_TEST_CLI_HOST;
  return socket === undefined || socket === "" ? undefined : socket;
}

export function runOnCliHost(
  socket: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
): Promise<HostRun> {
  const body = JSON.stringify({ argv, cwd, env });
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: "/", method: "POST", agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) reject(new Error(`the test CLI host answered ${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text) as HostRun);
      });
    });
    req.on("error", reject);
    req.setHeader("content-type", "application/json");
    req.end(body);
  });
}
