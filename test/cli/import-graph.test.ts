/**
 * The lazy-load boundary, checked on the source: what `--help`, `list` and refused input load is the static import
 * graph from cli/main.ts plus one action module (cli/actions/<command>.ts), and none of it may reach @pulumi/* or the
 * AWS SDK. Those are loaded by dynamic import only: cli/orchestration/pulumi-sdk.ts, the program loaders, the AWS
 * clients. test/cli/startup.test.ts checks the same at run time for a few command lines; this covers every module.
 */
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const HEAVY = /^@pulumi\/|^@aws-sdk\//;

/** Value imports that run when the module loads: import declarations and re-exports that are not type-only. */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)));
      if (!onlyTypes) specifiers.push(statement.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      !statement.isTypeOnly
    ) {
      specifiers.push(statement.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteral(statement.moduleReference.expression)
    ) {
      specifiers.push(statement.moduleReference.expression.text);
    }
  }
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, "index.ts")].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
}

/** Every package the static graph from `entry` reaches, with the chain of modules that leads to it. */
function reachedPackages(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue: { file: string; path: string[] }[] = [{ file: entry, path: [relative(ROOT, entry)] }];
  while (queue.length > 0) {
    const { file, path } = queue.shift() as { file: string; path: string[] };
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith(".")) {
        if (!reached.has(specifier)) reached.set(specifier, path);
        continue;
      }
      const local = resolveLocal(file, specifier);
      if (local !== undefined) queue.push({ file: local, path: [...path, relative(ROOT, local)] });
    }
  }
  return reached;
}

function heavyReached(entry: string): string[] {
  return [...reachedPackages(entry)]
    .filter(([name]) => HEAVY.test(name))
    .map(([name, path]) => `${name} via ${path.join(" → ")}`);
}

const ACTIONS = readdirSync(join(ROOT, "cli", "actions")).filter((f) => f.endsWith(".ts"));

describe("the static import graph stays free of @pulumi/* and the AWS SDK", () => {
  it("from cli/main.ts (everything `--help` loads)", () => {
    expect(heavyReached(join(ROOT, "cli", "main.ts"))).toEqual([]);
  });

  it.each(ACTIONS)("from cli/actions/%s (loaded by its command; validates before any SDK loads)", (file) => {
    expect(heavyReached(join(ROOT, "cli", "actions", file))).toEqual([]);
  });

  it("`--help` loads commander and nothing else from node_modules", () => {
    const packages = [...reachedPackages(join(ROOT, "cli", "main.ts")).keys()].filter(
      (name) => !name.startsWith("node:"),
    );
    expect(packages).toEqual(["commander"]);
  });

  it("`list tenants` loads no schema library (zod, yaml): only the table's string-width", () => {
    const packages = [...reachedPackages(join(ROOT, "cli", "actions", "list.ts")).keys()].filter(
      (name) => !name.startsWith("node:"),
    );
    expect(packages).toEqual(["string-width"]);
  });

  it("the probe itself works: the tenant program reaches @pulumi/aws (its services' entry points, infra/tenant/aws.ts)", () => {
    expect(
      heavyReached(join(ROOT, "infra", "tenant", "program.ts")).some((line) =>
        /^@pulumi\/aws(\/[a-z0-9]+)? via infra\/tenant\/program\.ts/.test(line),
      ),
    ).toBe(true);
  });
});
