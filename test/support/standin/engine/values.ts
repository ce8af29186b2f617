/**
 * Pulumi's wire encoding of property values, shared by the gRPC monitor, the state file and the simulated cloud.
 * Secrets travel as `{ [SIG_KEY]: SECRET_SIG, value }`, unknowns (preview) as the UNKNOWN sentinel string.
 */
export type PropertyMap = Record<string, unknown>;

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isSecret(v: unknown): v is { value: unknown } {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): PropertyMap {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** The value without secret wrappers, for rules and the simulated cloud that see plain values. */
export function unwrap(v: unknown): unknown {
  if (isSecret(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
}

export function unwrapMap(m: PropertyMap): PropertyMap {
  return unwrap(m) as PropertyMap;
}

export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** Structural equality, treating a secret and its plain value as different (changing secretness is an update). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Top-level keys whose values differ, the granularity of the engine's `diffs` in step events. */
export function changedKeys(olds: PropertyMap, news: PropertyMap): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((k) => !deepEqual(olds[k], news[k])).sort();
}

/** Maps every leaf through `fn`, keeping structure; used to encrypt, decrypt and mask secrets. */
export function mapSecrets(v: unknown, fn: (s: Record<string, unknown>) => unknown): unknown {
  if (isObject(v) && v[SIG_KEY] === SECRET_SIG) return fn(v);
  if (Array.isArray(v)) return v.map((x) => mapSecrets(x, fn));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapSecrets(x, fn)]));
  return v;
}

/** Values as `stack output --json` prints them without --show-secrets. */
export function maskSecrets(v: unknown): unknown {
  return mapSecrets(v, () => "[secret]");
}
