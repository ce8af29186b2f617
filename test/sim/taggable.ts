import { readFileSync } from "node:fs";
import { join } from "node:path";

const cache = new Map<string, boolean>();
const AWS_ROOT = join(__dirname, "..", "..", "node_modules", "@pulumi", "aws");

/**
 * Whether AWS lets this resource type carry tags, read from the provider's own type declarations (its `Args` interface
 * has `tags`), so the tag invariant covers every taggable type the programs use, including ones added later.
 */
export function isTaggable(type: string): boolean {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const m = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  let taggable = false;
  if (m !== null) {
    const [, mod = "", file = "", cls = ""] = m;
    const dts = readFileSync(join(AWS_ROOT, mod, `${file}.d.ts`), "utf8");
    const args = dts.slice(dts.indexOf(`export interface ${cls}Args {`));
    taggable = /\n\s{4}tags\?: pulumi\.Input/.test(args.slice(0, args.indexOf("\n}")));
  }
  cache.set(type, taggable);
  return taggable;
}
