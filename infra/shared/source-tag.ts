// An image tag derived from the app's source, so the ECR repository's immutable tags hold: the same source gives
// the same tag (a re-push of an identical image), any change gives a new one.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Not part of the image's inputs: dependencies are installed inside the build, outputs are rebuilt. */
const SKIPPED = new Set(["node_modules", ".git", "dist", "coverage", ".pulumi", ".tenantctl"]);
export const SOURCE_TAG_PREFIX = "src-";

function files(root: string, dir: string, out: string[]): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

/** `src-` + 12 hex of a hash over every file's path and content under `dir`. */
export function sourceTag(dir: string): string {
  const hash = createHash("sha256");
  for (const file of files(dir, dir, [])) {
    hash.update(file).update("\0").update(readFileSync(join(dir, file))).update("\0");
  }
  return `${SOURCE_TAG_PREFIX}${hash.digest("hex").slice(0, 12)}`;
}
