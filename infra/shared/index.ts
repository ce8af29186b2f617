// Entry of the root project (`pulumi up -s dev` after `npm run build`): reads the stack's config and runs the same
// program the CLI runs inline.
import * as pulumi from "@pulumi/pulumi";
import { parseSharedConfig } from "./config";
import { sharedProgram, type SharedStackOutputs } from "./program";

function readConfig(): unknown {
  const project = new pulumi.Config();
  const keys = [
    "baseDomain", "hostedZoneId", "vpcCidr", "azCount", "natStrategy", "logRetentionDays", "imageUri", "appPath",
    "albCount", "albDeletionProtection",
  ] as const;
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const value = project.get(key);
    if (value !== undefined) raw[key] = value;
  }
  return { ...raw, env: pulumi.getStack(), region: new pulumi.Config("aws").require("region") };
}

// Pulumi's Node.js host calls an exported function and awaits it; its result becomes the stack's outputs. Parsing
// inside it lets a bad config surface as a program error, with our message, instead of a module load failure.
const main = (): Promise<SharedStackOutputs> => sharedProgram(parseSharedConfig(readConfig()))();
export = main;
