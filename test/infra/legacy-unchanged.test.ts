/**
 * Tenants created before the warm pool (no tenantId) must see no change from the pool-aware program: same URNs,
 * same inputs, no new resource. The fixtures in fixtures-legacy/ were recorded by synthesizing these specs with the
 * tenant program as it was before tenant ids existed (commit 17d3f29), secret inputs masked.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { synthesize } from "../../infra/sim/synth";
import { tenantNames } from "../../infra/naming";
import { parseTenantSpec } from "../../infra/spec";
import { tenantProgram } from "../../infra/tenant/program";
import type { SharedOutputs } from "../../infra/shared/outputs";
import { ACCOUNT, sharedOutputs } from "./fixtures";

interface Recorded {
  readonly spec: unknown;
  readonly shared: Partial<SharedOutputs>;
  readonly resources: { urn: string; type: string; parent: string | null; inputs: Record<string, unknown> }[];
}

const dir = join(__dirname, "fixtures-legacy");
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("a tenant from before the pool under the pool-aware program", () => {
  it("has recorded cases to compare with", () => {
    expect(cases).toEqual(["preview.json", "tenant-premium-zone.json", "tenant-standard.json"]);
  });

  it.each(cases)("%s: the same resources with the same inputs, nothing added", async (file) => {
    const recorded = JSON.parse(readFileSync(join(dir, file), "utf8")) as Recorded;
    const spec = parseTenantSpec(recorded.spec);
    expect(spec.tenantId).toBeUndefined();
    const names = tenantNames(spec);
    const result = await synthesize(tenantProgram(spec, sharedOutputs(recorded.shared)), {
      project: names.project,
      stack: names.stack,
      ctx: ACCOUNT,
    });
    const now = result.resources
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        parent: r.parent ?? null,
        inputs: Object.fromEntries(
          Object.entries(r.inputs).map(([k, v]) => [k, r.secretInputs.includes(k) ? "[secret]" : v]),
        ),
      }))
      .sort((a, b) => a.urn.localeCompare(b.urn));
    // Round-trip through JSON as the fixture was, so undefined fields compare as absent.
    expect(JSON.parse(JSON.stringify(now))).toEqual(recorded.resources);
  });
});
