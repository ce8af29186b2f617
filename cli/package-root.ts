/** The tenantctl package directory (holds package.json, the root Pulumi.yaml and Pulumi.<env>.yaml files). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  // cli/ under ts-jest, dist/cli/ when built: walk up to our package.json.
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string };
      if (pkg.name === "tenantctl") return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`tenantctl: package.json not found above ${__dirname}`);
    dir = parent;
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}
