/**
 * The world cache (test/support/world-cache.ts) must hand out worlds that behave exactly like fresh ones: a world made
 * by the real `tenantctl shared up` (and one of the fleet tests' worlds, shared up then a provision) and a copy of it
 * in another folder are byte-identical but for the folder's path, and the same commands on both give the same
 * outcomes. How worlds of several steps are keyed, extended and shared between workers is shown with stand-in steps.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { e2eEnv, filesUnder, json, SHARED_UP_DEV, tenantctl, type Result } from "../cli/support/e2e";
import { fleetEnv, fleetWorld } from "../fleet/support/fleet-env";
import { prepareWorld, prepareWorldSteps, worldKey, worldKeys } from "./world-cache";

jest.setTimeout(10 * 60_000);

/** A world's files: path and content with its root written as <root> and PULUMI_HOME's path hash as <sha1>. */
function normalizedTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of filesUnder(root)) {
    const rel = file.slice(root.length + 1).replace(/-[0-9a-f]{40}-workspace\.json$/, "-<sha1>-workspace.json");
    out[rel] = readFileSync(file, "utf8").split(root).join("<root>");
  }
  return out;
}

/** Command output that does not depend on the world's path or on the stand-in's random ids and the clock. */
function normalized(r: Result, root: string): { code: number | null; stdout: string; stderr: string } {
  const clean = (s: string): string =>
    s
      .split(root)
      .join("<root>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
      .replace(/("elapsedSeconds": )[\d.]+/g, "$1<n>")
      .replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, "<duration>")
      // Secrets Manager's random six-character suffix, then ids mixing letters and digits and hex parts
      // of ids (uuids, hashes), which the stand-in draws at random like AWS.
      .replace(/(:secret:[^"\s]*)-[A-Za-z0-9]{6}(?=[\s"]|$)/gm, "$1-<rnd>")
      // A random UUID (the RDS-managed secret's name): its groups may be letters only (seen: "bcbc").
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uuid>")
      .replace(/\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{6,}\b/g, "<id>")
      .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{4,}\b/g, "<id>");
  return { code: r.code, stdout: clean(r.stdout), stderr: clean(r.stderr) };
}

const sha1 = (s: string): string => createHash("sha1").update(s).digest("hex");

describe("world cache: a copied shared-up world is a fresh one", () => {
  const cache = mkdtempSync(join(tmpdir(), "tenantctl-worlds-test-"));
  const world = (prefix: string): { cwd: string; env: NodeJS.ProcessEnv } => {
    const cwd = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(cwd, "backend"));
    return { cwd, env: e2eEnv(join(cwd, "backend")) };
  };
  const fresh = world("tenantctl-world-fresh-");
  const copied = world("tenantctl-world-copied-");
  const make = (w: { cwd: string; env: NodeJS.ProcessEnv }) => () =>
    tenantctl(w.cwd, w.env, SHARED_UP_DEV).then((r) => {
      if (r.code !== 0) throw new Error(r.stderr);
    });

  beforeAll(async () => {
    expect(await prepareWorld({ root: fresh.cwd, argv: SHARED_UP_DEV, env: fresh.env }, make(fresh), cache)).toBe(
      "made",
    );
    const source = await prepareWorld(
      { root: copied.cwd, argv: SHARED_UP_DEV, env: copied.env },
      () => Promise.reject(new Error("the second world should be copied, not made")),
      cache,
    );
    expect(source).toBe("copied");
  });
  afterAll(() => {
    for (const dir of [cache, fresh.cwd, copied.cwd]) rmSync(dir, { recursive: true, force: true });
  });

  it("the copy is byte-identical to the fresh world but for the root's path", () => {
    const a = normalizedTree(fresh.cwd);
    expect(Object.keys(a)).toEqual(
      expect.arrayContaining([
        "backend/.pulumi/stacks/tenantctl-shared/dev.json",
        ".tenantctl/work/tenantctl-shared/Pulumi.yaml",
        ".tenantctl/work/tenantctl-shared/Pulumi.dev.yaml",
        "pulumi-home/workspaces/tenantctl-shared-<sha1>-workspace.json",
      ]),
    );
    expect(Object.keys(a).some((f) => f.startsWith("backend/.pulumi-standin/account/"))).toBe(true);
    expect(normalizedTree(copied.cwd)).toEqual(a);
    // Pulumi.yaml names the copy's own backend, and pulumi finds the selected stack under the copy's path.
    expect(readFileSync(join(copied.cwd, ".tenantctl/work/tenantctl-shared/Pulumi.yaml"), "utf8")).toContain(
      `file://${copied.cwd}/backend`,
    );
    expect(readdirSync(join(copied.cwd, "pulumi-home", "workspaces"))).toEqual([
      `tenantctl-shared-${sha1(join(copied.cwd, ".tenantctl/work/tenantctl-shared/Pulumi.yaml"))}-workspace.json`,
    ]);
  });

  it("the same commands on the fresh and the copied world have the same outcomes", async () => {
    const steps: string[][] = [
      ["provision", "tenant", "acme", "--yes", "--json"],
      ["list", "tenants", "--json"],
      ["status", "tenant", "acme", "--json"],
      [...SHARED_UP_DEV, "--json"],
    ];
    for (const step of steps) {
      const [a, b] = await Promise.all([
        tenantctl(fresh.cwd, fresh.env, step),
        tenantctl(copied.cwd, copied.env, step),
      ]);
      expect({ step, ...normalized(b, copied.cwd) }).toEqual({ step, ...normalized(a, fresh.cwd) });
      expect(a.code).toBe(0);
    }
    // Another shared up changes nothing in the copy.
    const again = await tenantctl(copied.cwd, copied.env, [...SHARED_UP_DEV, "--json"]);
    expect(again.code).toBe(0);
    expect(Object.keys(json<{ resourceChanges: Record<string, number> }>(again).resourceChanges)).toEqual(["same"]);
  });

  it("the key depends on the arguments, the environment and the inputs, not on the root's path", () => {
    const spec = { root: fresh.cwd, argv: SHARED_UP_DEV, env: fresh.env };
    expect(worldKey({ root: copied.cwd, argv: SHARED_UP_DEV, env: copied.env })).toBe(worldKey(spec));
    expect(worldKey({ ...spec, argv: [...SHARED_UP_DEV, "--config", "albCount=2"] })).not.toBe(worldKey(spec));
    expect(worldKey({ ...spec, env: { ...fresh.env, PULUMI_CONFIG_PASSPHRASE: "other" } })).not.toBe(worldKey(spec));
    const input = join(cache, "input.yaml");
    writeFileSync(input, "a: 1\n");
    const withInput = worldKey({ ...spec, inputs: [input] });
    writeFileSync(input, "a: 2\n");
    expect(worldKey({ ...spec, inputs: [input] })).not.toBe(withInput);
  });

  it("refuses a world whose state lies outside its root", async () => {
    const outside = { ...copied.env, PULUMI_HOME: join(tmpdir(), "elsewhere") };
    await expect(
      prepareWorld({ root: copied.cwd, argv: SHARED_UP_DEV, env: outside }, () => Promise.resolve(), cache),
    ).rejects.toThrow(/PULUMI_HOME .* is not under the world's root/);
  });
});

describe("world cache: two workers making the same world at once", () => {
  it("one makes it while the other waits for it and copies it; a later one copies it too", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tenantctl-worlds-test-"));
    const roots = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), "tenantctl-world-race-")));
    const spec = (root: string) => ({
      root,
      argv: ["shared", "up"],
      env: { PULUMI_BACKEND_URL: `file://${root}/backend`, PULUMI_HOME: join(root, "home"), HOME: root },
    });
    // A stand-in for the command: a file naming its root, and another that does not.
    let runs = 0;
    const make = (root: string) => async () => {
      runs++;
      mkdirSync(join(root, "backend"));
      writeFileSync(join(root, "backend", "url"), `file://${root}/backend\n`);
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(join(root, "backend", "plain"), "same everywhere\n");
    };
    try {
      const [a, b, c] = roots as [string, string, string];
      const sources = await Promise.all([a, b].map((r) => prepareWorld(spec(r), make(r), cache)));
      expect(sources.sort()).toEqual(["copied", "made"]);
      expect(runs).toBe(1);
      expect(readdirSync(cache)).toHaveLength(1);
      expect(await prepareWorld(spec(c), () => Promise.reject(new Error("made again")), cache)).toBe("copied");
      for (const root of roots) {
        expect(readFileSync(join(root, "backend", "url"), "utf8")).toBe(`file://${root}/backend\n`);
        expect(readFileSync(join(root, "backend", "plain"), "utf8")).toBe("same everywhere\n");
      }
    } finally {
      for (const dir of [cache, ...roots]) rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes over the lock of a worker that died while making the world", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tenantctl-worlds-test-"));
    const root = mkdtempSync(join(tmpdir(), "tenantctl-world-race-"));
    const spec = {
      root,
      argv: ["shared", "up"],
      env: { PULUMI_BACKEND_URL: `file://${root}/backend`, PULUMI_HOME: join(root, "home"), HOME: root },
    };
    try {
      // A pid that is not alive: a process that has exited.
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
        encoding: "utf8",
      });
      const lock = join(cache, `.${worldKey(spec)}.lock`);
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), dead.stdout);
      const made = prepareWorld(spec, async () => writeFileSync(join(root, "made"), "yes\n"), cache);
      expect(await made).toBe("made");
      expect(readdirSync(cache)).toEqual([worldKey(spec)]);
    } finally {
      for (const dir of [cache, root]) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("world cache: a world of several steps", () => {
  // Stand-ins for commands: each step appends its name to a file naming the root, as a provision adds a stack.
  const spec = (root: string, names: string[]) => ({
    root,
    env: { PULUMI_BACKEND_URL: `file://${root}/backend`, PULUMI_HOME: join(root, "home"), HOME: root },
    steps: names.map((name) => ({ argv: ["step", name] })),
  });
  const runner = (root: string, ran: string[]) => async (step: { argv: readonly string[] }) => {
    const name = step.argv[1] ?? "";
    ran.push(name);
    mkdirSync(join(root, "backend"), { recursive: true });
    writeFileSync(join(root, "backend", name), `${name} in file://${root}/backend\n`);
  };
  const contents = (root: string): Record<string, string> =>
    Object.fromEntries(
      readdirSync(join(root, "backend")).map((n) => [n, readFileSync(join(root, "backend", n), "utf8")]),
    );

  it("keys each prefix by the steps before it, and the first step like a one-command world", () => {
    const root = "/tmp/some-root";
    const keys = worldKeys(spec(root, ["a", "b", "c"]));
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(worldKey({ root, env: spec(root, []).env, argv: ["step", "a"] }));
    expect(worldKeys(spec(root, ["a", "b"]))).toEqual(keys.slice(0, 2));
    expect(worldKeys(spec("/tmp/other-root", ["a", "b", "c"]))).toEqual(keys);
    expect(worldKeys(spec(root, ["a", "x", "c"]))[2]).not.toBe(keys[2]);
    expect(worldKeys(spec(root, ["x", "b", "c"]))[1]).not.toBe(keys[1]);
  });

  it("runs only the steps after the longest saved prefix, and saves each step's world", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tenantctl-worlds-test-"));
    const roots = [0, 1, 2, 3].map(() => mkdtempSync(join(tmpdir(), "tenantctl-world-steps-")));
    const [a, b, c, d] = roots as [string, string, string, string];
    try {
      const ran: string[][] = [[], [], [], []];
      expect(await prepareWorldSteps(spec(a, ["s1", "s2"]), runner(a, ran[0] ?? []), cache)).toBe("made");
      expect(await prepareWorldSteps(spec(b, ["s1", "s2", "s3"]), runner(b, ran[1] ?? []), cache)).toBe("extended");
      expect(await prepareWorldSteps(spec(c, ["s1"]), runner(c, ran[2] ?? []), cache)).toBe("copied");
      expect(await prepareWorldSteps(spec(d, ["s1", "s2", "s3"]), runner(d, ran[3] ?? []), cache)).toBe("copied");
      expect(ran).toEqual([["s1", "s2"], ["s3"], [], []]);
      expect(readdirSync(cache)).toHaveLength(3);
      const world = (root: string, names: string[]) =>
        Object.fromEntries(names.map((n) => [n, `${n} in file://${root}/backend\n`]));
      expect(contents(b)).toEqual(world(b, ["s1", "s2", "s3"]));
      expect(contents(c)).toEqual(world(c, ["s1"]));
      expect(contents(d)).toEqual(world(d, ["s1", "s2", "s3"]));
    } finally {
      for (const dir of [cache, ...roots]) rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a worker that needs a longer world waits for the steps another is making, copies them, and runs the rest", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tenantctl-worlds-test-"));
    const roots = [0, 1].map(() => mkdtempSync(join(tmpdir(), "tenantctl-world-steps-")));
    const [a, b] = roots as [string, string];
    try {
      const ranA: string[] = [];
      const ranB: string[] = [];
      const slow = (root: string, ran: string[]) => async (step: { argv: readonly string[] }) => {
        await new Promise((r) => setTimeout(r, 300));
        await runner(root, ran)(step);
      };
      const [sa, sb] = await Promise.all([
        prepareWorldSteps(spec(a, ["s1", "s2"]), slow(a, ranA), cache),
        prepareWorldSteps(spec(b, ["s1", "s2", "s3"]), slow(b, ranB), cache),
      ]);
      expect([sa, sb, ranA, ranB]).toEqual(["made", "extended", ["s1", "s2"], ["s3"]]);
      expect(contents(b)).toEqual(
        Object.fromEntries(["s1", "s2", "s3"].map((n) => [n, `${n} in file://${b}/backend\n`])),
      );
    } finally {
      for (const dir of [cache, ...roots]) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("world cache: the fleet tests' world (shared up, then provisions)", () => {
  const cache = mkdtempSync(join(tmpdir(), "tenantctl-worlds-test-"));
  const previous = process.env.TENANTCTL_TEST_WORLDS;
  const a = fleetEnv("tenantctl-world-fleet-");
  const b = fleetEnv("tenantctl-world-fleet-");

  beforeAll(async () => {
    process.env.TENANTCTL_TEST_WORLDS = cache;
    expect(await fleetWorld(a, 1)).toBe("made");
    expect(await fleetWorld(b, 1)).toBe("copied");
  });
  afterAll(() => {
    for (const dir of [cache, a.dir, b.dir]) rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TENANTCTL_TEST_WORLDS;
    else process.env.TENANTCTL_TEST_WORLDS = previous;
  });

  it("the copy is byte-identical to the fresh world but for the root's path, tenant stack included", () => {
    const tree = normalizedTree(a.dir);
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining([
        "state/.pulumi/stacks/tenantctl-shared/dev.json",
        "state/.pulumi/stacks/tenantctl-tenants/dev-t01.json",
        "state/.tenantctl/index/tenantctl-tenants/dev-t01.json",
      ]),
    );
    expect(normalizedTree(b.dir)).toEqual(tree);
  });

  it("the same commands on the fresh and the copied world have the same outcomes", async () => {
    // A step after the copied ones (a provision, as when a longer fleet world extends a saved one) is shown on the
    // copied shared-up world above; here the copied tenant stack, its state and the simulated account agree as in
    // the fresh world.
    const steps: string[][] = [
      ["list", "tenants", "--json"],
      ["drift", "tenants", "--json"],
    ];
    const last: Record<string, unknown>[] = [];
    for (const step of steps) {
      const [ra, rb] = await Promise.all([a.run(step), b.run(step)]);
      expect({ step, ...normalized(rb, b.dir) }).toEqual({ step, ...normalized(ra, a.dir) });
      expect(ra.code).toBe(0);
      last.push(json(rb));
    }
    expect(last[1]).toMatchObject({ checked: 1, drifted: 0 });
  });
});
