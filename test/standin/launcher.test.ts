/**
 * The stand-in's launcher test/support/bin/pulumi: a shell script that answers a bare `pulumi version` itself (no node
 * start, as the SDK runs it on every LocalWorkspace creation) and hands everything else to the node launcher pulumi.js
 * beside it. Both answers, and their trace lines, must stay the same.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STANDIN_BIN } from "../support/standin-harness";
import { STANDIN_VERSION } from "../support/standin/backend/state";

describe("stand-in launcher", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-launcher-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  let calls = 0;
  const launch = (command: string[], args: string[]) => {
    const trace = path.join(dir, `trace-${++calls}`);
    const r = spawnSync(command[0], [...command.slice(1), ...args], {
      cwd: dir,
      env: { ...process.env, PULUMI_STANDIN_TRACE_FILE: trace },
      encoding: "utf8",
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, trace: fs.readFileSync(trace, "utf8") };
  };
  const shell = [path.join(STANDIN_BIN, "pulumi")];
  const node = [process.execPath, path.join(STANDIN_BIN, "pulumi.js")];

  it("answers `pulumi version` with the stand-in's STANDIN_VERSION and traces it, as the node launcher does", () => {
    const fromShell = launch(shell, ["version"]);
    expect(fromShell).toEqual({ code: 0, stdout: `v${STANDIN_VERSION}\n`, stderr: "", trace: '["version"]\n' });
    expect(launch(node, ["version"])).toEqual(fromShell);
  });

  it("hands every other call to the node launcher: arguments, output and exit code", () => {
    const help = launch(shell, ["version", "--help"]);
    expect(help).toEqual(launch(node, ["version", "--help"]));
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Print Pulumi's version number/);
    expect(help.trace).toBe('["version","--help"]\n');
    const unknown = launch(shell, ["frobnicate", "it"]);
    expect(unknown).toEqual({
      code: 255,
      stdout: "",
      stderr: 'error: unknown command "frobnicate" for "pulumi"\n',
      trace: '["frobnicate","it"]\n',
    });
  });
});
