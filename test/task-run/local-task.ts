// Starts one container of a task definition the way ECS would: the image's CMD (or the definition's command), the
// image's ENV overlaid by the definition's `environment` and its resolved `secrets`, as the definition's user, in a
// copy of the image's runtime stage that nobody may write to. Nothing else from this process's environment leaks in.
//
// What cannot be reproduced without ECS is mapped, and every mapping is listed here and returned with the run:
// - the task's own network (awsvpc: the container port is free on its ENI) → the container port variable and the
//   RDS port are replaced by free local ports;
// - the RDS endpoint's DNS name → resolved to 127.0.0.1 inside the app by a `--require` preload (NODE_OPTIONS),
//   so the app still connects to, and verifies the certificate of, the endpoint's real host name;
// - files the image ships outside the runtime copy (the RDS CA bundle at an absolute path) → a local file;
// - the task role's credentials (ECS's credential endpoint) → dummy static keys, and Secrets Manager → the local
//   fake through AWS_ENDPOINT_URL_SECRETS_MANAGER;
// - PATH, which the base image's ENV sets (not part of app/Dockerfile) → this machine's PATH, to find `node`.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppProcess } from "../../app/test/support/process";
import type { SecretsFake } from "./secrets-fake";
import type { ContainerDefinition } from "./tenant-tasks";

export interface LocalImage {
  /** The runtime stage's WORKDIR, reproduced. */
  readonly dir: string;
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface TaskMapping {
  /** Host names → the address they resolve to inside the app. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Environment variables whose value is replaced (ports of the task's own network and of RDS). */
  readonly values: Readonly<Record<string, string>>;
  /** In-image file paths → local files: a variable whose value is such a path gets the local file instead. */
  readonly files: Readonly<Record<string, string>>;
  readonly secretsEndpoint: string;
  /** A folder readable by the task's user for the preload. */
  readonly workDir: string;
}

export interface TaskEnvironment {
  readonly env: Readonly<Record<string, string>>;
  /** Variables present in the run but in neither the image nor the task definition (the documented additions). */
  readonly added: readonly string[];
  /** Variables of the task definition whose value the run replaced, with the replacement. */
  readonly replaced: Readonly<Record<string, string>>;
}

/** ECS `valueFrom`: a secret ARN, optionally followed by `:json-key:version-stage:version-id`. */
function resolveSecret(valueFrom: string, secrets: SecretsFake): string {
  const parts = valueFrom.split(":");
  const arn = parts.slice(0, 7).join(":");
  const jsonKey = parts[7] ?? "";
  const secret = secrets.get(arn);
  if (secret?.value === undefined)
    throw new Error(`ECS could not resolve secret ${valueFrom}: ResourceNotFoundException`);
  secrets.calls.push({ operation: "GetSecretValue (ECS, execution role)", secretId: arn });
  if (jsonKey === "") return secret.value;
  const value = (JSON.parse(secret.value) as Record<string, unknown>)[jsonKey];
  if (value === undefined)
    throw new Error(`ECS could not resolve secret ${valueFrom}: key ${jsonKey} not in the secret's JSON`);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function writePreload(mapping: TaskMapping): string {
  const file = join(mapping.workDir, "resolve-hosts.cjs");
  writeFileSync(
    file,
    `// Written by test/task-run/local-task.ts: resolves the task's service host names as the VPC's DNS would.
const dns = require("node:dns");
const hosts = ${JSON.stringify(mapping.hosts)};
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  const address = Object.prototype.hasOwnProperty.call(hosts, host) ? hosts[host] : undefined;
  if (address === undefined) return lookup.call(this, host, options, callback);
  const family = address.includes(":") ? 6 : 4;
  if (options && options.all) process.nextTick(callback, null, [{ address, family }]);
  else process.nextTick(callback, null, address, family);
};
`,
    { mode: 0o444 },
  );
  return file;
}

export function taskEnvironment(
  image: LocalImage,
  container: ContainerDefinition,
  secrets: SecretsFake,
  mapping: TaskMapping,
): TaskEnvironment {
  const fromTask: Record<string, string> = {};
  for (const { name, value } of container.environment ?? []) fromTask[name] = value;
  for (const { name, valueFrom } of container.secrets ?? []) fromTask[name] = resolveSecret(valueFrom, secrets);
  const replaced: Record<string, string> = {};
  for (const [name, value] of Object.entries(fromTask)) {
    const next = mapping.values[name] ?? mapping.files[value];
    if (next !== undefined) {
      replaced[name] = next;
      fromTask[name] = next;
    }
  }
  const additions: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
    NODE_OPTIONS: `--require ${writePreload(mapping)}`,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: mapping.secretsEndpoint,
    AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
    AWS_SECRET_ACCESS_KEY: "fake-secret-access-key-for-tests-only",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const env: Record<string, string> = { ...image.env, ...fromTask };
  const added = Object.keys(additions).filter((k) => !(k in env));
  for (const k of added) env[k] = additions[k] ?? "";
  return { env, added, replaced };
}

/** `user` as ECS takes it here: numeric `uid[:gid]` (the tenant program's form; a name would need the image's passwd). */
function userIds(user: string | undefined): { uid: number; gid: number } | undefined {
  if (user === undefined) return undefined;
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (m === null)
    throw new Error(`container user ${JSON.stringify(user)}: the local run supports numeric uid[:gid] only`);
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}

export interface StartedTask {
  readonly process: AppProcess;
  readonly environment: TaskEnvironment;
  /** The task's user the process really runs as; undefined when this process cannot switch users (not root). */
  readonly ranAs: { uid: number; gid: number } | undefined;
}

export function startTask(
  image: LocalImage,
  container: ContainerDefinition,
  secrets: SecretsFake,
  mapping: TaskMapping,
): StartedTask {
  if (container.workingDirectory !== undefined && container.workingDirectory !== "/app") {
    throw new Error(
      `container ${container.name}: workingDirectory ${container.workingDirectory} is not the image's WORKDIR /app`,
    );
  }
  const environment = taskEnvironment(image, container, secrets, mapping);
  const cmd = [...(container.entryPoint ?? []), ...(container.command ?? image.cmd)];
  const ids = userIds(container.user);
  const ranAs = ids !== undefined && process.getuid?.() === 0 ? ids : undefined;
  const [file = "node", ...args] = cmd;
  const child = spawn(file, args, {
    cwd: image.dir,
    env: environment.env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(ranAs ?? {}),
  });
  return { process: new AppProcess(child), environment, ranAs };
}
