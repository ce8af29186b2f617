/**
 * Several runner processes on one machine sharing one rollout, on the file store and on the S3 store (the fake S3,
 * conditional PUTs): every tenant upgraded exactly once and never by two at once, waves gate across processes, a
 * runner killed with SIGKILL mid-wave has its tenants finished by the others after its lease (its stack locks
 * cleared), a halt reaches every runner, and a rollout whose runners all died is finished by new ones (also after a
 * halt, as a new epoch). The runners are test/support/fleet-runner-proc.ts (the real runner loop and stores; the
 * upgrade itself is a stand-in that takes and releases the stack lock), so `npm run build` first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FleetRecords, type FleetPlan } from "../../../cli/fleet/runner/fleet-records";
import { FileRecordStore, type RecordStore } from "../../../cli/store/records";
import type { RunnerSettings } from "../../support/fleet-runner-proc";
import { fakeS3Suite } from "../../records/fake-s3-suite";

jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..", "..");
const PROC = join(ROOT, "dist", "test", "support", "fleet-runner-proc.js");
if (!existsSync(PROC)) throw new Error("dist/ is missing the runner harness: run `npm run build` first");
const BUCKET = "fleet-state";
const s3 = fakeS3Suite([BUCKET]);
let counter = 0;

interface Backend {
  readonly url: string;
  readonly records: RecordStore;
}

const backends: [string, () => Backend][] = [
  [
    "file store",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "tenantctl-fleet-runners-"));
      return { url: dir, records: new FileRecordStore(join(dir, ".tenantctl")) };
    },
  ],
  [
    "S3 store",
    () => {
      counter += 1;
      const url = s3.url(BUCKET, `runners/${counter}`);
      return { url, records: s3.open(url) };
    },
  ],
];

const slugs = (n: number, from = 1): string[] =>
  Array.from({ length: n }, (_, i) => `t${String(i + from).padStart(3, "0")}`);

async function createRollout(records: RecordStore, waves: string[][], maxFailures = 0): Promise<string> {
  counter += 1;
  const id = `2026-12-03T10-00-00-${String(counter).padStart(3, "0")}Z-abcdef`;
  const plan: FleetPlan = {
    id,
    env: "dev",
    waves,
    pinned: [],
    createdAt: new Date().toISOString(),
    createdBy: { host: "test", pid: process.pid },
    options: {
      image: "img:2",
      waves: "test",
      maxFailures: { kind: "count", value: maxFailures },
      selectors: [],
      includePinned: false,
      health: "none",
      healthUrl: undefined,
    },
  };
  const fleet = new FleetRecords(records, "dev", id);
  expect(await fleet.createPlan(plan)).toBe(true);
  expect(
    await fleet.createEpoch({
      epoch: 0,
      at: plan.createdAt,
      maxFailures: plan.options.maxFailures,
      health: "none",
      healthUrl: undefined,
    }),
  ).toBe(true);
  return id;
}

interface Runner {
  readonly child: ChildProcess;
  readonly done: Promise<{
    code: number | null;
    summary: { stopped: string; finished: number; tookOver: number } | undefined;
    stderr: string;
  }>;
}

function startRunner(base: Omit<RunnerSettings, "runner">, runner: string): Runner {
  const settings: RunnerSettings = { ...base, runner };
  const child = spawn(process.execPath, [PROC], {
    env: { ...process.env, FLEET_RUNNER: JSON.stringify(settings) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Awaited<Runner["done"]>>((resolve) => {
    child.on("close", (code) =>
      resolve({ code, summary: stdout.trim() === "" ? undefined : JSON.parse(stdout.trim()), stderr }),
    );
  });
  return { child, done };
}

interface Journal {
  readonly lines: string[];
  starts(slug: string): string[];
  ends(slug: string): string[];
}

function readJournal(scratch: string): Journal {
  const file = join(scratch, "journal.log");
  const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
  return {
    lines,
    starts: (slug) => lines.filter((l) => l.startsWith(`start ${slug} `)),
    ends: (slug) => lines.filter((l) => l.startsWith(`end ${slug} `)),
  };
}

const violations = (scratch: string): string =>
  existsSync(join(scratch, "violations.log")) ? readFileSync(join(scratch, "violations.log"), "utf8") : "";

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(backends)("runners on the %s", (_kind, open) => {
  it("upgrade every tenant exactly once, never two at once, wave after wave", async () => {
    const backend = open();
    const waves = [slugs(2), slugs(10, 3), slugs(12, 13)];
    const id = await createRollout(backend.records, waves);
    const scratch = mkdtempSync(join(tmpdir(), "tenantctl-fleet-scratch-"));
    const base = {
      backend: backend.url,
      env: "dev",
      id,
      concurrency: 3,
      ttlMs: 3000,
      pollMs: 100,
      workMs: 150,
      scratch,
    };
    const runners = ["r1", "r2", "r3"].map((r) => startRunner(base, r));
    const results = await Promise.all(runners.map((r) => r.done));
    for (const r of results) expect(r).toMatchObject({ code: 0, summary: { stopped: "completed" } });
    const journal = readJournal(scratch);
    for (const slug of waves.flat()) {
      expect(journal.starts(slug)).toHaveLength(1);
      expect(journal.ends(slug)).toHaveLength(1);
    }
    expect(violations(scratch)).toBe("");
    expect(results.reduce((n, r) => n + (r.summary?.finished ?? 0), 0)).toBe(24);
    // More than one runner did work (the work is spread, not serialised on one of them).
    expect(results.filter((r) => (r.summary?.finished ?? 0) > 0).length).toBeGreaterThan(1);
    for (let k = 1; k < waves.length; k++) {
      const lastEnd = Math.max(
        ...(waves[k - 1] ?? []).map((slug) => journal.lines.findIndex((l) => l.startsWith(`end ${slug} `))),
      );
      const firstStart = Math.min(
        ...(waves[k] ?? []).map((slug) => journal.lines.findIndex((l) => l.startsWith(`start ${slug} `))),
      );
      expect(firstStart).toBeGreaterThan(lastEnd);
    }
  });

  it("finish the tenants of a runner killed with SIGKILL mid-wave after its lease, clearing its stack locks", async () => {
    const backend = open();
    const all = slugs(12);
    const id = await createRollout(backend.records, [all]);
    const scratch = mkdtempSync(join(tmpdir(), "tenantctl-fleet-scratch-"));
    const base = {
      backend: backend.url,
      env: "dev",
      id,
      concurrency: 2,
      ttlMs: 2000,
      pollMs: 100,
      workMs: 1200,
      scratch,
    };
    const victim = startRunner(base, "victim");
    await until(
      () => readJournal(scratch).lines.some((l) => / victim /.test(l) && l.startsWith("start ")),
      "the victim to start a tenant",
    );
    victim.child.kill("SIGKILL");
    expect((await victim.done).code).toBeNull();
    const orphans = readJournal(scratch)
      .lines.filter((l) => l.startsWith("start ") && / victim /.test(l))
      .map((l) => l.split(" ")[1] ?? "");
    const orphaned = orphans.filter((slug) => readJournal(scratch).ends(slug).length === 0);
    expect(orphaned.length).toBeGreaterThan(0);
    // What the others must take over: every tenant whose newest lease is the victim's and has no outcome. That can be
    // more than the started ones: with two lanes the victim may have won a second lease and died before starting it.
    const fleet = new FleetRecords(backend.records, "dev", id);
    const finished = new Set(await fleet.outcomeSlugs((await fleet.latestEpoch())?.epoch ?? 0));
    const victimHeld: string[] = [];
    for (const slug of all) {
      if ((await fleet.latestLease(slug))?.runner === "victim" && !finished.has(slug)) victimHeld.push(slug);
    }
    expect(victimHeld).toEqual(expect.arrayContaining(orphaned));
    const others = await Promise.all(["r1", "r2"].map((r) => startRunner(base, r).done));
    for (const r of others) expect(r).toMatchObject({ code: 0, summary: { stopped: "completed" } });
    const journal = readJournal(scratch);
    for (const slug of all) expect(journal.ends(slug)).toHaveLength(1);
    for (const slug of orphaned) {
      expect(journal.ends(slug)[0]).toMatch(/ (r1|r2) .* upgraded$/);
      expect(journal.lines).toContainEqual(expect.stringMatching(new RegExp(`^cleared ${slug} \\d+ by (r1|r2)$`)));
    }
    expect(others.reduce((n, r) => n + (r.summary?.tookOver ?? 0), 0)).toBe(victimHeld.length);
    expect(violations(scratch)).toBe("");
  });

  it("stop every runner at a halt, and finish with new runners after all died, retrying the failure as a new epoch", async () => {
    const backend = open();
    const wave1 = slugs(6);
    const wave2 = slugs(14, 7);
    const id = await createRollout(backend.records, [wave1, wave2]);
    const scratch = mkdtempSync(join(tmpdir(), "tenantctl-fleet-scratch-"));
    const base = {
      backend: backend.url,
      env: "dev",
      id,
      concurrency: 2,
      ttlMs: 2000,
      pollMs: 100,
      workMs: 200,
      scratch,
      fail: ["t003"],
      failEpochs: [0],
    };
    const halted = await Promise.all(["r1", "r2", "r3"].map((r) => startRunner(base, r).done));
    for (const r of halted) expect(r).toMatchObject({ code: 0, summary: { stopped: "halted" } });
    const afterHalt = readJournal(scratch);
    for (const slug of wave2) expect(afterHalt.starts(slug)).toHaveLength(0);
    expect(afterHalt.ends("t003")).toEqual([expect.stringMatching(/ 0 failed$/)]);

    // --resume --detach: the next epoch, then runners join again; one of them is killed mid-wave and the rest finish.
    const fleet = new FleetRecords(backend.records, "dev", id);
    expect(
      await fleet.createEpoch({
        epoch: 1,
        at: new Date().toISOString(),
        maxFailures: { kind: "count", value: 0 },
        health: "none",
        healthUrl: undefined,
      }),
    ).toBe(true);
    const slow = { ...base, workMs: 1200 };
    const first = [startRunner(slow, "r4"), startRunner(slow, "r5")];
    await until(
      () => readJournal(scratch).lines.filter((l) => l.startsWith("start ") && / (r4|r5) /.test(l)).length >= 3,
      "the new runners to start",
    );
    for (const r of first) r.child.kill("SIGKILL");
    await Promise.all(first.map((r) => r.done));
    const last = await Promise.all(["r6", "r7"].map((r) => startRunner(slow, r).done));
    for (const r of last) expect(r).toMatchObject({ code: 0, summary: { stopped: "completed" } });
    const journal = readJournal(scratch);
    expect(journal.ends("t003")).toEqual([expect.stringMatching(/ 0 failed$/), expect.stringMatching(/ 1 upgraded$/)]);
    for (const slug of [...wave1, ...wave2].filter((s) => s !== "t003")) {
      expect(journal.ends(slug)).toEqual([expect.stringMatching(/ upgraded$/)]);
    }
    expect(violations(scratch)).toBe("");
  });
});
