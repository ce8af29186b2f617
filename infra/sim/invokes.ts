import { alnumFrom, arn, ec2Id, hexFrom } from "./arns";
import { asArray, asRecord, asString, type Props, type SimContext } from "./types";

/** Thrown for an invoke the model cannot answer: an empty answer would let a program run on made-up data. */
export class UnsupportedInvokeError extends Error {
  constructor(readonly token: string) {
    super(
      `simulateInvoke: no simulation for invoke ${token}; add it to infra/sim/invokes.ts (supported: ${SUPPORTED_INVOKES.join(", ")})`,
    );
    this.name = "UnsupportedInvokeError";
  }
}

type Invoke = (args: Props, ctx: SimContext) => Record<string, unknown>;

const AZ_SUFFIXES = ["a", "b", "c", "d"];

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return asArray(value)
    .map(asString)
    .filter((v): v is string => v !== undefined);
}

/** One IAM value is a string, several an array: the shape the provider's document renderer emits. */
function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] ?? "") : values;
}

/** Renders `getPolicyDocument` statements as the IAM JSON the provider produces (keys in AWS's order). */
export function policyDocumentJson(args: Props): string {
  const statements = asArray(args["statements"]).map((raw) => {
    const s = asRecord(raw);
    const out: Record<string, unknown> = {};
    const sid = asString(s["sid"]);
    if (sid !== undefined) out["Sid"] = sid;
    out["Effect"] = asString(s["effect"]) ?? "Allow";
    if (strings(s["actions"]).length > 0) out["Action"] = oneOrMany(strings(s["actions"]));
    if (strings(s["notActions"]).length > 0) out["NotAction"] = oneOrMany(strings(s["notActions"]));
    if (strings(s["resources"]).length > 0) out["Resource"] = oneOrMany(strings(s["resources"]));
    const principals: Record<string, string | string[]> = {};
    for (const p of asArray(s["principals"]).map(asRecord)) {
      principals[asString(p["type"]) ?? "AWS"] = oneOrMany(strings(p["identifiers"]));
    }
    if (Object.keys(principals).length > 0) out["Principal"] = principals;
    const conditions: Record<string, Record<string, string | string[]>> = {};
    for (const c of asArray(s["conditions"]).map(asRecord)) {
      const test = asString(c["test"]) ?? "StringEquals";
      conditions[test] = {
        ...(conditions[test] ?? {}),
        [asString(c["variable"]) ?? ""]: oneOrMany(strings(c["values"])),
      };
    }
    if (Object.keys(conditions).length > 0) out["Condition"] = conditions;
    return out;
  });
  return JSON.stringify({ Version: asString(args["version"]) ?? "2012-10-17", Statement: statements });
}

const INVOKES: Readonly<Record<string, Invoke>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": (_args, ctx) => ({
    accountId: ctx.accountId,
    arn: arn("iam", ctx, "user/tenantctl-sim", { global: true }),
    id: ctx.accountId,
    userId: `AIDA${alnumFrom(ctx.accountId, 17).toUpperCase()}`,
  }),
  "aws:index/getRegion:getRegion": (_args, ctx) => ({
    id: ctx.region,
    name: ctx.region,
    region: ctx.region,
    description: ctx.region,
    endpoint: `ec2.${ctx.region}.amazonaws.com`,
  }),
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_args, ctx) => {
    const names = AZ_SUFFIXES.map((s) => `${ctx.region}${s}`);
    return { id: ctx.region, names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), groupNames: [ctx.region] };
  },
  "aws:iam/getPolicyDocument:getPolicyDocument": (args) => {
    const json = policyDocumentJson(args);
    return { id: hexFrom(json, 10), json, minifiedJson: json };
  },
  "aws:ec2/getVpc:getVpc": (_args, ctx) => {
    const id = ec2Id("vpc", `${ctx.accountId}/${ctx.region}/default`);
    return { id, cidrBlock: "172.31.0.0/16", default: true, arn: arn("ec2", ctx, `vpc/${id}`) };
  },
  "aws:ec2/getSubnets:getSubnets": (args, ctx) => ({
    id: ctx.region,
    ids: AZ_SUFFIXES.slice(0, 3).map((s) =>
      ec2Id("subnet", `${ctx.accountId}/${ctx.region}/${JSON.stringify(args)}/${s}`),
    ),
  }),
  "aws:route53/getZone:getZone": (args) => {
    const name = (asString(args["name"]) ?? "example.com").replace(/\.?$/, ".");
    const zoneId = asString(args["zoneId"]) ?? `Z${alnumFrom(name, 20).toUpperCase()}`;
    return { id: zoneId, zoneId, name, privateZone: false };
  },
  "aws:secretsmanager/getRandomPassword:getRandomPassword": (args) => ({
    id: "sim",
    randomPassword: alnumFrom(
      JSON.stringify(args),
      typeof args["passwordLength"] === "number" ? args["passwordLength"] : 32,
    ),
  }),
};

export const SUPPORTED_INVOKES: readonly string[] = Object.keys(INVOKES);

/** The answer AWS would give to a data-source call; throws `UnsupportedInvokeError` for any other token. */
export function simulateInvoke(token: string, args: Props, ctx: SimContext): Record<string, unknown> {
  const invoke = INVOKES[token];
  if (invoke === undefined) throw new UnsupportedInvokeError(token);
  return invoke(args, ctx);
}
