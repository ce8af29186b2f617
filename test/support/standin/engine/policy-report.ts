import type { EventBody } from "./events";
import type { Diagnostic } from "./policy-packs";

/**
 * Policy violations as the engine reports them: one `policyEvent` per diagnostic (pkg/engine/events.go,
 * policyViolationEvent: the message wrapped in the `SpecNote` colour directive with `color: "raw"`), and the
 * display's "Policies:" section after the run.
 */
const RESET = "<{%reset%}>";

/** A remediation that still violates is reported (and enforced) as mandatory, as the step generator does. */
export function effectiveLevel(d: Diagnostic): "advisory" | "mandatory" {
  return d.enforcementLevel === "mandatory" || d.enforcementLevel === "remediate" ? "mandatory" : "advisory";
}

export function policyEvent(urn: string, d: Diagnostic): EventBody {
  return {
    policyEvent: {
      ...(urn ? { resourceUrn: urn } : {}),
      message: `${RESET}${d.message}${RESET}\n`,
      color: "raw",
      policyName: d.policyName,
      policyPackName: d.policyPackName,
      policyPackVersion: d.policyPackVersion,
      policyPackVersionTag: d.policyPackVersion,
      // The engine sends apitype.EnforcementLevel ("advisory"); the SDK's typing still says "warning".
      enforcementLevel: effectiveLevel(d) as NonNullable<EventBody["policyEvent"]>["enforcementLevel"],
    },
  };
}

const plain = (message: string): string => message.split(RESET).join("").trimEnd();

/**
 * The display's closing policy report: per pack a ✅/❌ line, then each violation as `- [level]  policy  (type: name)`
 * followed by its message lines (the shape pulumi's policy integration tests look for).
 */
export function renderPolicies(
  events: readonly EventBody[],
  packs: Record<string, string>,
  versions: Record<string, string>,
): string[] {
  const byPack = new Map<string, NonNullable<EventBody["policyEvent"]>[]>();
  for (const e of events)
    if (e.policyEvent)
      byPack.set(e.policyEvent.policyPackName, [...(byPack.get(e.policyEvent.policyPackName) ?? []), e.policyEvent]);
  const names = Object.keys(packs);
  if (names.length === 0) return [];
  const lines = ["", "Policies:"];
  for (const name of names) {
    const violations = byPack.get(name) ?? [];
    const failed = violations.some((v) => v.enforcementLevel === "mandatory");
    lines.push(`    ${failed ? "❌" : "✅"} ${name}@${versions[name] ?? ""} (local: ${packs[name]})`);
    for (const v of violations) {
      const parts = v.resourceUrn?.split("::") ?? [];
      const where = parts.length > 3 ? `  (${parts[2].split("$").pop()}: ${parts[3]})` : "";
      lines.push(`        - [${v.enforcementLevel}]  ${v.policyName}${where}`);
      for (const l of plain(v.message).split("\n")) lines.push(`          ${l}`);
    }
  }
  return lines;
}
