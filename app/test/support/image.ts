import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { runCacheDir, stageEntry } from "./run-cache";

export const APP_DIR = resolve(__dirname, "..", "..");

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly name: string;
  readonly instructions: Instruction[];
}

export interface RuntimeImage {
  /** The folder standing for the runtime stage's WORKDIR. */
  readonly dir: string;
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly exposed: readonly number[];
  readonly user: string | undefined;
  /** Remote ADDs that could not be reproduced offline. */
  readonly skipped: readonly string[];
}

/** Splits the Dockerfile into stages of instructions (comments and line continuations handled). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === "FROM")
      stages.push({ name: /\bAS\s+(\S+)/i.exec(args)?.[1] ?? String(stages.length), instructions: [] });
    else stages[stages.length - 1]?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const flags = (args: string): { flags: Record<string, string>; rest: string[] } => {
  const parts = args.split(/\s+/);
  const out: Record<string, string> = {};
  while (parts[0]?.startsWith("--")) {
    const [k = "", v = ""] = (parts.shift() ?? "").slice(2).split("=");
    out[k] = v;
  }
  return { flags: out, rest: parts };
};

/**
 * Plays the Dockerfile's stages into temporary folders, one per stage, with the app folder as build context.
 * Deviations, because no Docker engine runs here: the build stage's `npm ci` links the app's installed
 * node_modules (same lockfile) instead of installing again; remote ADDs are listed in `skipped`.
 * The runtime stage's RUN lines execute as written (with --prefer-offline), so `npm ci --omit=dev` is real.
 */
export function reproduceImage(dockerfile = join(APP_DIR, "Dockerfile")): RuntimeImage {
  const stages = parseDockerfile(readFileSync(dockerfile, "utf8"));
  const root = mkdtempSync(join(tmpdir(), "app-image-"));
  const dirs: Record<string, string> = {};
  let result: RuntimeImage | undefined;
  stages.forEach((stage, index) => {
    const dir = join(root, stage.name);
    mkdirSync(dir, { recursive: true });
    dirs[stage.name] = dir;
    const env: Record<string, string> = {};
    const skipped: string[] = [];
    const exposed: number[] = [];
    let cmd: string[] = [];
    let user: string | undefined;
    const isLast = index === stages.length - 1;
    for (const { op, args } of stage.instructions) {
      const { flags: f, rest } = flags(args);
      if (op === "WORKDIR" || op === "ARG" || op === "LABEL") continue;
      if (op === "COPY" || op === "ADD") {
        const dest = rest[rest.length - 1] ?? ".";
        for (const src of rest.slice(0, -1)) {
          if (/^https?:\/\//.test(src)) {
            skipped.push(`${op} ${src}`);
            continue;
          }
          const from =
            f["from"] === undefined ? join(APP_DIR, src) : join(dirs[f["from"]] ?? "", src.replace(/^\/app\/?/, ""));
          const target = dest.endsWith("/") ? join(dir, dest, src.split("/").pop() ?? src) : join(dir, dest);
          cpSync(from, target, { recursive: true });
        }
      } else if (op === "RUN") {
        if (!isLast && /^npm ci\b/.test(args)) symlinkSync(join(APP_DIR, "node_modules"), join(dir, "node_modules"));
        else
          execFileSync("sh", ["-c", args.replace(/^npm ci\b/, "npm ci --prefer-offline")], {
            cwd: dir,
            stdio: "pipe",
            env: { ...process.env, ...env },
          });
      } else if (op === "ENV") {
        for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1] ?? ""] = (m[2] ?? "").replace(/^"|"$/g, "");
      } else if (op === "EXPOSE") exposed.push(...rest.map((p) => Number.parseInt(p, 10)));
      else if (op === "USER") user = args;
      else if (op === "CMD") cmd = JSON.parse(args) as string[];
      else throw new Error(`Dockerfile instruction ${op} is not reproduced by the test; extend test/support/image.ts`);
    }
    if (isLast) result = { dir, cmd, env, exposed, user, skipped };
  });
  if (result === undefined) throw new Error("Dockerfile has no stages");
  return result;
}

/** Every file of the build context but node_modules, dist and the tests: what a build reads (with the lock file). */
function imageKey(dockerfile: string): string {
  const hash = createHash("sha256").update(`node ${process.version}\0`).update(readFileSync(dockerfile)).update("\0");
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (d === APP_DIR && ["node_modules", "dist", "test"].includes(name)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(relative(APP_DIR, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(APP_DIR);
  return hash.digest("hex").slice(0, 32);
}

/**
 * The app image for a test that needs one but does not test the build: reproduceImage() runs once per jest run, and
 * each caller gets its own copy of the runtime stage in a fresh temporary folder (removable, chmod-able).
 * The build is saved in the run's cache folder (TENANTCTL_TEST_WORLDS, made by test/support/world-cache-setup.js) keyed
 * by a hash of the Dockerfile, the app's sources and lock file; it is written to a temporary folder and renamed into
 * place, so two workers racing both build and one copy wins. Without the cache folder it is reproduceImage().
 */
export function builtImage(
  dockerfile = join(APP_DIR, "Dockerfile"),
): RuntimeImage & { readonly source: "built" | "copied" } {
  const cache = runCacheDir();
  if (cache === undefined) return { ...reproduceImage(dockerfile), source: "built" };
  const entry = join(cache, `app-image-${imageKey(dockerfile)}`);
  if (!existsSync(join(entry, "image.json"))) {
    const built = reproduceImage(dockerfile);
    const staging = stageEntry(cache, ".app-image-");
    try {
      cpSync(built.dir, join(staging.dir, "runtime"), {
        recursive: true,
        preserveTimestamps: true,
        verbatimSymlinks: true,
      });
      writeFileSync(join(staging.dir, "image.json"), JSON.stringify({ ...built, dir: basename(built.dir) }));
      staging.publish(entry);
    } finally {
      staging.drop();
    }
    return { ...built, source: "built" };
  }
  const saved = JSON.parse(readFileSync(join(entry, "image.json"), "utf8")) as RuntimeImage;
  const dir = join(mkdtempSync(join(tmpdir(), "app-image-")), saved.dir);
  cpSync(join(entry, "runtime"), dir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  return { ...saved, dir, source: "copied" };
}
