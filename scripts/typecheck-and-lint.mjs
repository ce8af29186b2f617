// `npm run typecheck` and the type-aware half of `npm run lint` in one process, for `npm test` (test:checks).
//
// Run separately, `tsc --noEmit` builds and checks a TypeScript program of the repository (and one of app/), and then
// eslint, whose rules ask for types (no-floating-promises, no-misused-promises, await-thenable), builds and checks the
// same two programs again for its own use: about 74 CPU-seconds here, a tenth of `npm test`'s CPU on a 2-core machine.
// Here each program is built and checked once: its diagnostics are the typecheck, and eslint is handed the same
// programs through typescript-eslint's `parserOptions.programs` (instead of `projectService`), so its type queries
// read what the typecheck already worked out (about 41 CPU-seconds in all). The rules and files are eslint.config.mjs's
// own; a file that is in neither program is an error, as with projectService.
//
// Exit code: 0 when both are clean, 1 when either found a problem (all of both are printed), 2 on a broken setup.
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ESLint } from "eslint";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROJECTS = ["tsconfig.json", "app/tsconfig.json"];

const host = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => ts.sys.newLine,
};
const pretty = process.stdout.isTTY === true;
const format = (diagnostics) =>
  pretty ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host) : ts.formatDiagnostics(diagnostics, host);

/** The program `tsc -p <config> --noEmit` would check, and what it would report. */
function typecheck(config) {
  const configDiagnostics = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, config),
    { noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configDiagnostics.push(d) },
  );
  if (parsed === undefined) return { program: undefined, diagnostics: configDiagnostics };
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: parsed.errors,
  });
  return { program, diagnostics: [...configDiagnostics, ...ts.getPreEmitDiagnostics(program)] };
}

let failed = false;
const programs = [];
for (const config of PROJECTS) {
  const { program, diagnostics } = typecheck(config);
  if (program === undefined) {
    process.stderr.write(`typecheck: cannot read ${config}\n${format(diagnostics)}`);
    process.exit(2);
  }
  programs.push(program);
  if (diagnostics.length > 0) {
    failed = true;
    process.stdout.write(`typecheck (${config}): ${diagnostics.length} error(s)\n${format(diagnostics)}\n`);
  }
}

const eslint = new ESLint({
  cwd: root,
  overrideConfig: { files: ["**/*.ts"], languageOptions: { parserOptions: { projectService: false, programs } } },
});
const results = await eslint.lintFiles(["."]);
// As `eslint .`: warnings are printed, errors fail.
if (results.some((r) => r.errorCount > 0)) failed = true;
if (results.some((r) => r.errorCount + r.warningCount > 0)) {
  const formatter = await eslint.loadFormatter("stylish");
  process.stdout.write(await formatter.format(results));
}
if (!failed) process.stdout.write(`typecheck: no errors (${PROJECTS.join(", ")}); eslint: no errors\n`);
process.exitCode = failed ? 1 : 0;
