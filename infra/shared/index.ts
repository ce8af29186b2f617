// Entry of the root project (`pulumi up -s dev` after `npm run build`): reads the stack's config and runs the same
// program the CLI runs inline.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseSharedConfig, resolveAppPath } from "./config";
import { sharedProgram, type SharedStackOutputs } from "./program";

function readConfig(): unknown {
  const project = new pulumi.Config();
  const keys = [
    "baseDomain",
    "hostedZoneId",
    "certificateArn",
    "vpcCidr",
    "azCount",
    "natStrategy",
    "logRetentionDays",
    "imageUri",
    "appPath",
    "albCount",
    "albDeletionProtection",
  ] as const;
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const value = project.get(key);
    if (value !== undefined) raw[key] = value;
  }
  return { ...raw, env: pulumi.getStack(), region: new pulumi.Config("aws").require("region") };
}

/** The directory of the root Pulumi.yaml above this file (dist/infra/shared/ when built), whatever the cwd is. */
function projectDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`tenantctl-shared: no Pulumi.yaml above ${__dirname}`);
  }
}

// Pulumi's Node.js host calls an exported function and awaits it; its result becomes the stack's outputs. Parsing
// inside it lets a bad config surface as a program error, with our message, instead of a module load failure.
const main = (): Promise<SharedStackOutputs> =>
  sharedProgram(resolveAppPath(parseSharedConfig(readConfig()), projectDir()))();
export = main;
