import { applyFlags, requestedTenant } from "../../cli/tenant-input";
import { specDiff } from "../../cli/orchestration/tenant-stack";
import { UsageError } from "../../cli/errors";

describe("flags → spec", () => {
  it("fills defaults and validates with the spec schema", async () => {
    const { spec, imageGiven } = await requestedTenant("acme", { tier: "standard", displayName: "ACME Corp" }, {});
    expect(spec).toMatchObject({
      slug: "acme",
      env: "dev",
      tier: "standard",
      displayName: "ACME Corp",
      skin: { primaryColor: "#1a73e8" },
    });
    expect(imageGiven).toBe(false);
  });

  it("takes the env from TENANTCTL_ENV when --env is absent", async () => {
    expect((await requestedTenant("acme", {}, { TENANTCTL_ENV: "prod" })).spec.env).toBe("prod");
  });

  it("turns spec problems into usage errors, one line each", async () => {
    const error = await requestedTenant("acme", { color: "red", tier: "gold" }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message.split("\n")).toHaveLength(2);
  });

  it("applies only the given flags over a stored spec, and diffs operator fields", async () => {
    const { spec } = await requestedTenant("acme", { color: "#000000", logoUrl: "https://x.example/logo.png" }, {});
    const stored = { ...spec, listenerPriority: 120 };
    const updated = await applyFlags(stored, { tier: "premium" });
    expect(updated).toMatchObject({
      tier: "premium",
      listenerPriority: 120,
      skin: { primaryColor: "#000000", logoUrl: "https://x.example/logo.png" },
    });
    expect(specDiff(stored, updated)).toEqual(['tier: "basic" → "premium"']);
    expect(specDiff(stored, await applyFlags(stored, {}))).toEqual([]);
  });
});
