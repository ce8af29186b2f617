import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FileRecordStore } from "../../cli/store/records";
import {
  claimPriority,
  peekPriority,
  PRIORITY_FIRST,
  releasePriority,
  usedPriorities,
} from "../../cli/store/priorities";
import { tempDir } from "./support/memory-io";

const request = (stack: string, extra: { current?: number } = {}) => ({
  env: "dev",
  loadBalancer: "alb-0",
  project: "tenantctl-tenants",
  stack,
  slug: stack.replace(/^dev-/, ""),
  now: new Date("2026-01-01T00:00:00Z"),
  ...extra,
});

describe("listener priority claims", () => {
  it("gives concurrent claimants distinct priorities, each recorded once", async () => {
    const dir = tempDir();
    // Separate store objects, as separate processes would have.
    const stacks = Array.from({ length: 25 }, (_, i) => `dev-tenant${i}`);
    const priorities = await Promise.all(stacks.map((s) => claimPriority(new FileRecordStore(dir), request(s))));
    expect(new Set(priorities).size).toBe(stacks.length);
    expect(Math.min(...priorities)).toBe(PRIORITY_FIRST);
    expect(readdirSync(join(dir, "priorities/dev/alb-0/numbers"))).toHaveLength(stacks.length);
  });

  it("is stable for a tenant, also when the same tenant claims twice at once", async () => {
    const store = new FileRecordStore(tempDir());
    await claimPriority(store, request("dev-first"));
    const [a, b] = await Promise.all([
      claimPriority(store, request("dev-acme")),
      claimPriority(store, request("dev-acme")),
    ]);
    expect(a).toBe(b);
    expect(await claimPriority(store, request("dev-acme"))).toBe(a);
    expect((await usedPriorities(store, request("dev-acme"))).size).toBe(2);
  });

  it("reclaims the priority a stack already uses", async () => {
    const store = new FileRecordStore(tempDir());
    expect(await claimPriority(store, request("dev-acme", { current: 4242 }))).toBe(4242);
    expect(await claimPriority(store, request("dev-other", { current: 4242 }))).toBe(PRIORITY_FIRST);
  });

  it("frees a released number for the next tenant", async () => {
    const store = new FileRecordStore(tempDir());
    const first = await claimPriority(store, request("dev-acme"));
    await claimPriority(store, request("dev-globex"));
    await releasePriority(store, request("dev-acme"));
    expect(await peekPriority(store, request("dev-initech"))).toBe(first);
    expect(await claimPriority(store, request("dev-initech"))).toBe(first);
  });

  it("peeks without claiming", async () => {
    const store = new FileRecordStore(tempDir());
    expect(await peekPriority(store, request("dev-acme"))).toBe(PRIORITY_FIRST);
    expect((await usedPriorities(store, request("dev-acme"))).size).toBe(0);
  });

  it("keeps load balancers and envs apart", async () => {
    const store = new FileRecordStore(tempDir());
    const a = await claimPriority(store, request("dev-acme"));
    const b = await claimPriority(store, { ...request("prod-acme"), env: "prod" });
    const c = await claimPriority(store, { ...request("dev-globex"), loadBalancer: "alb-1" });
    expect([a, b, c]).toEqual([PRIORITY_FIRST, PRIORITY_FIRST, PRIORITY_FIRST]);
  });
});
