import { UsageError } from "../../cli/errors";
import { applyPin, checkPinFlags } from "../../cli/orchestration/pins";
import { upgradedSpec } from "../../cli/fleet/tenant-upgrade";
import { parseTenantSpec } from "../../infra/spec";

const spec = parseTenantSpec({
  slug: "acme",
  displayName: "ACME",
  env: "dev",
  tier: "basic",
  skin: { primaryColor: "#1a73e8" },
  image: "r.example.com/app:1.0",
  listenerPriority: 100,
});

describe("pins", () => {
  it("sets and removes a pin without leaving an undefined field behind", () => {
    const pinned = applyPin(spec, { pinImage: "r.example.com/app:0.9" });
    expect(pinned.pinnedImage).toBe("r.example.com/app:0.9");
    const unpinned = applyPin(pinned, { unpin: true });
    expect("pinnedImage" in unpinned).toBe(false);
    expect(applyPin(pinned, {})).toBe(pinned);
  });

  it.each([
    [{ pinImage: "r.example.com/app:1", unpin: true }],
    [{ pinImage: "not an image" }],
    [{ pinImage: "r.example.com/app" }],
  ])("refuses %j", (flags) => {
    expect(() => checkPinFlags(flags)).toThrow(UsageError);
  });

  it("an upgrade keeps the pin unless pinned tenants are included, which drops it", async () => {
    const pinned = applyPin(spec, { pinImage: "r.example.com/app:0.9" });
    expect(await upgradedSpec(pinned, "r.example.com/app:2.0", false)).toMatchObject({
      image: "r.example.com/app:2.0",
      pinnedImage: "r.example.com/app:0.9",
    });
    const included = await upgradedSpec(pinned, "r.example.com/app:2.0", true);
    expect(included.image).toBe("r.example.com/app:2.0");
    expect("pinnedImage" in included).toBe(false);
  });
});
