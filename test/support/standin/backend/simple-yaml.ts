/**
 * A fast path for the YAML files the stand-in reads and writes on almost every command (Pulumi.yaml, which tenantctl
 * writes as JSON, and Pulumi.<stack>.yaml, which the stand-in writes itself), so short commands need not load the
 * `yaml` package (~70 modules, about half the CPU of a `stack select`). It understands only a small subset — block
 * mappings indented by two spaces whose keys and values are "safe" plain strings, and `{}` — and answers `undefined`
 * for anything else, which the callers then hand to the `yaml` package. On that subset the results are the package's
 * own: `parseSimpleYaml(t)` equals `YAML.parse(t)` and `stringifySimpleYaml(v)` equals `YAML.stringify(v)` byte for
 * byte (test/standin/simple-yaml.test.ts checks both against the package).
 */

/**
 * A plain scalar that YAML 1.2's core schema reads as this very string and that YAML.stringify writes unquoted: starts
 * with a letter (so never a number, `.inf` or an indicator), only URL-ish characters (no spaces, `#`, quotes, flow
 * indicators), no trailing colon, and not one of the null/boolean words.
 */
const SAFE = /^[A-Za-z][A-Za-z0-9_\-./=+:@]*$/;
const RESERVED = /^(?:null|true|false|y|n|yes|no|on|off)$/i;

export function isSafeScalar(s: string): boolean {
  return SAFE.test(s) && !s.endsWith(":") && !s.includes("::") && !RESERVED.test(s) && s.length <= 1000;
}

type Tree = { [key: string]: string | Tree };

const LINE = /^( *)([^ ].*?):(?: (.*))?$/;

/** `YAML.parse(text)` for the subset above; `undefined` when the text is outside it. */
export function parseSimpleYaml(text: string): Tree | null | undefined {
  if (text.trim() === "") return text.includes("\t") || text.includes("\r") ? undefined : null;
  if (!text.endsWith("\n") || text.includes("\r") || text.includes("\t")) return undefined;
  const root: Tree = {};
  // The open mappings by depth: stack[d] is the mapping whose keys sit at indentation 2*d.
  const stack: Tree[] = [root];
  let expectChildOf: Tree | undefined;
  const lines = text.slice(0, -1).split("\n");
  for (const line of lines) {
    const m = LINE.exec(line);
    if (m === null) return undefined;
    const [, indent, key, value] = m;
    if (indent.length % 2 !== 0 || !isSafeScalar(key)) return undefined;
    const depth = indent.length / 2;
    if (expectChildOf !== undefined) {
      // The line after `key:` must open that key's mapping one level deeper.
      if (depth !== stack.length) return undefined;
      stack.push(expectChildOf);
      expectChildOf = undefined;
    } else if (depth >= stack.length) return undefined;
    stack.length = depth + 1;
    const map = stack[depth];
    if (Object.prototype.hasOwnProperty.call(map, key)) return undefined; // duplicate keys: let the package refuse
    if (value === undefined) {
      const child: Tree = {};
      map[key] = child;
      expectChildOf = child;
    } else if (value === "{}") map[key] = {};
    else if (isSafeScalar(value)) map[key] = value;
    else return undefined;
  }
  // `key:` with nothing below is null in YAML: outside the subset.
  return expectChildOf === undefined ? root : undefined;
}

/** `YAML.stringify(value)` when every key and leaf is a safe string (nested plain objects allowed); else undefined. */
export function stringifySimpleYaml(value: unknown): string | undefined {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined;
  const out: string[] = [];
  const walk = (obj: Record<string, unknown>, indent: string): boolean => {
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue; // YAML.stringify leaves undefined members out
      if (!isSafeScalar(k)) return false;
      if (typeof v === "string") {
        if (!isSafeScalar(v)) return false;
        out.push(`${indent}${k}: ${v}`);
      } else if (isPlainObject(v)) {
        const entries = Object.values(v).filter((x) => x !== undefined);
        if (entries.length === 0) out.push(`${indent}${k}: {}`);
        else {
          out.push(`${indent}${k}:`);
          if (!walk(v, `${indent}  `)) return false;
        }
      } else return false;
    }
    return true;
  };
  if (!walk(value, "") || out.length === 0) return undefined;
  return `${out.join("\n")}\n`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
