import { arn, ec2Id, hexFrom } from "./arns";
import { asArray, asNumber, asRecord, asString, type Props, type SimContext } from "./types";
import type { SimulatedResource } from "./outputs";

/**
 * Under mocks an awsx component is a single opaque resource: its children never run, so its outputs are whatever
 * the mock returns. These mirror the real components' output properties (plain values only: outputs that are
 * resource references, such as `vpc` or `subnets`, cannot be faked without the child resources and are left out).
 */
export const SUPPORTED_AWSX_TYPES: readonly string[] = [
  "awsx:ec2:Vpc",
  "awsx:ec2:DefaultVpc",
  "awsx:ecr:Image",
  "awsx:ecr:Repository",
];

/** awsx 3.x Vpc defaults: three AZs, one public and one private subnet per AZ. */
const DEFAULT_AZ_COUNT = 3;
const DEFAULT_SUBNET_TYPES = ["Public", "Private"];

function vpc(ctx: SimContext, inputs: Props, seed: string): SimulatedResource {
  const zones = asArray(inputs["availabilityZoneNames"])
    .map(asString)
    .filter((z): z is string => z !== undefined);
  const azCount = zones.length > 0 ? zones.length : (asNumber(inputs["numberOfAvailabilityZones"]) ?? DEFAULT_AZ_COUNT);
  const specTypes = asArray(inputs["subnetSpecs"]).map((s) => asString(asRecord(s)["type"]));
  const types = specTypes.length > 0 ? specTypes : DEFAULT_SUBNET_TYPES;
  const ids = (kind: string): string[] =>
    types.includes(kind) ? Array.from({ length: azCount }, (_, az) => ec2Id("subnet", `${seed}/${kind}/${az}`)) : [];
  const vpcId = ec2Id("vpc", seed);
  return {
    id: vpcId,
    outputs: {
      ...inputs,
      vpcId,
      publicSubnetIds: ids("Public"),
      privateSubnetIds: ids("Private"),
      isolatedSubnetIds: ids("Isolated"),
      vpcArn: arn("ec2", ctx, `vpc/${vpcId}`),
    },
  };
}

function image(inputs: Props, seed: string): SimulatedResource {
  const repo = asString(inputs["repositoryUrl"]) ?? "";
  const digest = `sha256:${hexFrom(`${seed}/${JSON.stringify(inputs)}`, 64)}`;
  return { id: `${repo}@${digest}`, outputs: { ...inputs, imageUri: `${repo}@${digest}` } };
}

export function simulateAwsxOutputs(
  type: string,
  logicalName: string,
  inputs: Props,
  ctx: SimContext,
  seed: string,
): SimulatedResource {
  switch (type) {
    case "awsx:ec2:Vpc":
    case "awsx:ec2:DefaultVpc":
      return vpc(ctx, inputs, seed);
    case "awsx:ecr:Image":
      return image(inputs, seed);
    case "awsx:ecr:Repository": {
      const name = logicalName.toLowerCase() + `-${hexFrom(seed, 7)}`;
      return { id: name, outputs: { ...inputs, url: `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${name}` } };
    }
    default:
      // checkResource reports the type as unsupported; echoing keeps the run going so every problem is listed.
      return { id: `${logicalName}-${hexFrom(seed, 8)}`, outputs: { ...inputs } };
  }
}
