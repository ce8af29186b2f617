import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A started app process whose stdout JSON lines are collected for assertions and waits. */
export class AppProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    let partial = "";
    const collect = (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts.filter((l) => l !== ""));
      for (const w of this.waiters.splice(0)) w();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    this.exited = new Promise((resolve) =>
      child.on("exit", (code) => {
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      }),
    );
  }

  static start(cmd: readonly string[], cwd: string, env: NodeJS.ProcessEnv): AppProcess {
    const [file = "node", ...args] = cmd;
    return new AppProcess(spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] }));
  }

  /** Resolves when a line contains `text`; rejects if the process exits first. */
  async waitForLine(text: string): Promise<string> {
    for (;;) {
      const found = this.lines.find((l) => l.includes(text));
      if (found !== undefined) return found;
      if (this.child.exitCode !== null)
        throw new Error(`process exited (${this.child.exitCode}) before logging "${text}":\n${this.lines.join("\n")}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
