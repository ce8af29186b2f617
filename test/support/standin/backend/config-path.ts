import { CliError } from "../errors";

/**
 * Config keys and `--path` property paths as the real CLI parses them (sdk/go/common/resource/config/key.go,
 * resource.ParsePropertyPath): a key is `<namespace>:<name>` (a bare name belongs to the project; `ns:config:name`
 * is the old token form); a path is `name.child[0]["dotted.name"]`, its first element being the key.
 */
export type PathElement = string | number;

export function parseConfigKey(raw: string, projectName: string): string {
  const colons = raw.split(":").length - 1;
  if (colons === 0) return `${projectName}:${raw}`;
  if (colons === 1) return raw;
  if (colons === 2) {
    const [ns, mod, name] = raw.split(":");
    if (mod === "config" && ns !== "" && name !== "") return `${ns}:${name}`;
  }
  throw new CliError(
    `invalid configuration key: could not parse ${raw} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`,
  );
}

export function parsePropertyPath(path: string): PathElement[] {
  const out: PathElement[] = [];
  let i = 0;
  let current = "";
  const bad = (why: string): CliError =>
    new CliError(`invalid configuration key: invalid property path ${JSON.stringify(path)}: ${why}`);
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      if (current === "" && (out.length === 0 || path[i - 1] !== "]")) throw bad("missing property name");
      if (current !== "") out.push(current);
      current = "";
      i++;
    } else if (c === "[") {
      if (current !== "") out.push(current);
      current = "";
      const close = path.indexOf("]", i);
      if (close < 0) throw bad("missing closing bracket");
      const inner = path.slice(i + 1, close);
      if (inner.startsWith('"')) {
        if (!inner.endsWith('"') || inner.length < 2) throw bad("missing closing quote");
        out.push(inner.slice(1, -1));
      } else if (/^[0-9]+$/.test(inner)) {
        out.push(Number(inner));
      } else {
        throw bad(`invalid array index ${JSON.stringify(inner)}`);
      }
      i = close + 1;
    } else {
      current += c;
      i++;
    }
  }
  if (current !== "") out.push(current);
  if (out.length === 0) throw bad("empty path");
  return out;
}

/** `--path` values below the top level: "true"/"false" are booleans, integers numbers, the rest strings. */
export function pathValue(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?[0-9]+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  return value;
}

/** Sets `value` at `path` inside `root` (a fresh object/array is made for each missing level). */
export function setAtPath(root: unknown, path: PathElement[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === "number") {
    const arr = Array.isArray(root) ? [...(root as unknown[])] : root === undefined ? [] : undefined;
    if (!arr) throw new CliError("could not set config: an array index was used on a value that is not a list");
    if (head > arr.length) throw new CliError(`could not set config: array index ${head} out of range`);
    arr[head] = setAtPath(arr[head], rest, value);
    return arr;
  }
  const obj =
    root !== null && typeof root === "object" && !Array.isArray(root)
      ? { ...(root as Record<string, unknown>) }
      : root === undefined
        ? {}
        : undefined;
  if (!obj) throw new CliError("could not set config: a property name was used on a value that is not a map");
  obj[head] = setAtPath(obj[head], rest, value);
  return obj;
}

export function getAtPath(root: unknown, path: PathElement[]): { found: boolean; value: unknown } {
  let cur = root;
  for (const el of path) {
    if (
      typeof el === "number"
        ? !Array.isArray(cur) || el >= cur.length
        : cur === null || typeof cur !== "object" || Array.isArray(cur) || !(el in cur)
    ) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<string | number, unknown>)[el];
  }
  return { found: true, value: cur };
}

export function removeAtPath(root: unknown, path: PathElement[]): unknown {
  if (path.length === 1) {
    const [el] = path;
    if (Array.isArray(root) && typeof el === "number") return root.filter((_, i) => i !== el);
    if (root !== null && typeof root === "object") {
      const copy = { ...(root as Record<string, unknown>) };
      delete copy[el];
      return copy;
    }
    return root;
  }
  const [head, ...rest] = path;
  const { found, value } = getAtPath(root, [head]);
  if (!found) return root;
  if (Array.isArray(root)) return root.map((v, i) => (i === head ? removeAtPath(value, rest) : v));
  return { ...(root as Record<string, unknown>), [head]: removeAtPath(value, rest) };
}
