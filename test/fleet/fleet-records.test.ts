/** Rollout records, capacity counts and index staleness against a real FileRecordStore in a temp dir. */
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { ConflictError, NotFoundError } from "../../cli/errors";
import { gatherCounts } from "../../cli/capacity/placement";
import { entryIsStale, bareStackName } from "../../cli/fleet/index-refresh";
import { parseMaxFailures } from "../../cli/fleet/plan";
import { complete, createRollout, markFinished, markRunning, type RolloutState } from "../../cli/fleet/rollout-state";
import {
  isLive,
  latestOpenRollout,
  newRolloutId,
  refuseIfLive,
  REMOTE_STALE_MS,
  rolloutToResume,
  saveRollout,
} from "../../cli/store/rollout-store";
import { claimPriority } from "../../cli/store/priorities";
import { FileRecordStore } from "../../cli/store/records";
import { writeIndexEntry } from "../../cli/store/tenant-index";
import { parseTenantSpec } from "../../infra/spec";
import { tempDir } from "../cli/support/memory-io";

const at = new Date("2026-11-24T01:00:00Z");

function rollout(id: string, pid: number, host = hostname()): RolloutState {
  return createRollout({
    id,
    env: "dev",
    waves: [["a"]],
    pinned: [],
    owner: { host, pid },
    at,
    options: {
      image: "r.example.com/app:2",
      waves: "100%",
      maxFailures: parseMaxFailures("0"),
      selectors: [],
      includePinned: false,
      health: "none",
      healthUrl: undefined,
    },
  });
}

const finished = (s: RolloutState, ok: boolean): RolloutState =>
  complete(markFinished(markRunning(s, "a", at), "a", ok ? { ok } : { ok, error: "x" }, at), at);

describe("rollout records", () => {
  it("ids sort by start time", () => {
    expect(newRolloutId(new Date("2026-11-24T01:00:00Z")) < newRolloutId(new Date("2026-11-24T01:00:01Z"))).toBe(true);
  });

  it("resumes the newest unfinished rollout; a completed one with failures can be resumed, a clean one cannot", async () => {
    const store = new FileRecordStore(tempDir());
    await expect(rolloutToResume(store, "dev", undefined)).rejects.toBeInstanceOf(NotFoundError);
    await saveRollout(store, { ...rollout("2026-11-24T01-00-00-000Z-aaaaaa", 999_999_999), status: "halted" });
    expect((await latestOpenRollout(store, "dev"))?.id).toBe("2026-11-24T01-00-00-000Z-aaaaaa");
    await saveRollout(store, finished(rollout("2026-11-24T02-00-00-000Z-bbbbbb", 1), false));
    expect((await rolloutToResume(store, "dev", undefined)).id).toBe("2026-11-24T02-00-00-000Z-bbbbbb");
    await saveRollout(store, finished(rollout("2026-11-24T03-00-00-000Z-cccccc", 1), true));
    expect(await latestOpenRollout(store, "dev")).toBeUndefined();
    await expect(rolloutToResume(store, "dev", "2026-11-24T03-00-00-000Z-cccccc")).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("refuses a second rollout while the owner of a running one is alive, not once it is gone", async () => {
    const store = new FileRecordStore(tempDir());
    const child = spawn(process.execPath, ["-e", "setTimeout(() => undefined, 60000)"]);
    try {
      await saveRollout(store, rollout("2026-11-24T01-00-00-000Z-dddddd", child.pid ?? 0));
      await expect(refuseIfLive(store, "dev")).rejects.toThrow(/is still running in env dev/);
    } finally {
      child.kill();
      await new Promise((resolve) => child.once("exit", resolve));
    }
    await expect(refuseIfLive(store, "dev")).resolves.toBeUndefined();
    const remote = rollout("2026-11-24T02-00-00-000Z-eeeeee", 1, "another-host");
    await saveRollout(store, { ...remote, updatedAt: new Date().toISOString() });
    await expect(refuseIfLive(store, "dev")).rejects.toBeInstanceOf(ConflictError);
    expect(isLive({ ...remote, updatedAt: new Date(Date.now() - REMOTE_STALE_MS - 1000).toISOString() })).toBe(false);
  });
});

const spec = (slug: string, env = "dev", loadBalancer = "alb-0") =>
  parseTenantSpec({
    slug: `${slug}-co`,
    displayName: slug,
    env,
    tier: "basic",
    skin: { primaryColor: "#1a73e8" },
    image: "r.example.com/app:1",
    listenerPriority: 100,
    loadBalancer,
  });

describe("capacity counts from the backend", () => {
  it("counts stacks per ALB of the env, every env in the account, and claimed priorities", async () => {
    const store = new FileRecordStore(tempDir());
    for (const [slug, env, lb] of [
      ["a", "dev", "alb-0"],
      ["b", "dev", "alb-1"],
      ["c", "dev", "alb-1"],
      ["d", "prod", "alb-0"],
    ] as const) {
      await writeIndexEntry(store, {
        spec: spec(slug, env, lb),
        project: "tenantctl-tenants",
        stack: `${env}-${slug}-co`,
        operation: "provision",
        status: "succeeded",
        now: at,
      });
      await claimPriority(store, {
        env,
        loadBalancer: lb,
        project: "tenantctl-tenants",
        stack: `${env}-${slug}-co`,
        slug: `${slug}-co`,
        now: at,
      });
    }
    const counts = await gatherCounts(store, "dev", ["alb-0", "alb-1", "alb-2"]);
    expect(counts).toEqual({
      stacksInAccount: 4,
      stacksPerAlb: { "alb-0": 1, "alb-1": 2, "alb-2": 0 },
      prioritiesPerAlb: { "alb-0": 1, "alb-1": 2, "alb-2": 0 },
    });
    expect(
      (await gatherCounts(store, "dev", ["alb-0"], { project: "tenantctl-tenants", stack: "dev-a-co" }))
        .stacksInAccount,
    ).toBe(3);
  });
});

describe("index refresh", () => {
  it("spots an entry whose spec or URL no longer matches its stack", () => {
    const entry = { spec: spec("a"), url: "https://a.example.com" } as Parameters<typeof entryIsStale>[0];
    expect(entryIsStale(entry, spec("a"), "https://a.example.com")).toBe(false);
    expect(entryIsStale(entry, { ...spec("a"), tier: "premium" }, "https://a.example.com")).toBe(true);
    expect(entryIsStale(entry, spec("a"), "https://a2.example.com")).toBe(true);
    expect(bareStackName("organization/tenantctl-tenants/dev-a")).toBe("dev-a");
  });
});
