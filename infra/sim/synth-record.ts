import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { asRecord, isRecord, type Props } from "./types";

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** Plain values for the model, plus the top-level keys that carried a secret (they stay encrypted in real state). */
export function unwrapSecrets(inputs: unknown): { readonly plain: Record<string, unknown>; readonly secretKeys: string[] } {
  const secretKeys = new Set<string>();
  const walk = (value: unknown, top: string | undefined): unknown => {
    if (isSecretWrapper(value)) {
      if (top !== undefined) secretKeys.add(top);
      return walk(value.value, top);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, top));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, top ?? k)]));
    return value;
  };
  const plain = asRecord(walk(inputs, undefined));
  return { plain, secretKeys: [...secretKeys].sort() };
}

/** The URN the mock monitor gives a resource (runtime/mocks.ts `newUrn`): only the parent's own type is prefixed. */
export function mockUrn(project: string, stack: string, parentUrn: string, type: string, name: string): string {
  let qualified = type;
  if (parentUrn !== "") {
    const parentType = (parentUrn.split("::")[2] ?? "").split("$").pop() ?? "";
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Provider `defaultTags` reach the mock as a JSON string (the aws Provider serialises nested inputs). */
export function providerDefaultTags(providerInputs: Props | undefined): Record<string, string> | undefined {
  const raw = providerInputs?.["defaultTags"];
  const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  const tags = asRecord(asRecord(parsed)["tags"]);
  const entries = Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string");
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Sorting key so two runs of the same program can be compared resource by resource. */
export function byUrn<T extends { readonly urn: string }>(a: T, b: T): number {
  return a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0;
}
