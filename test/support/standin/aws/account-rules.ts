import type { AccountResource, Quotas } from "../../../../infra/sim/aws-model";
import { canonicalType, checkAccount, DEFAULT_QUOTAS, forwardTargetGroupArns } from "../../../../infra/sim/aws-model";
import type { AccountScope, AccountState, CloudResource } from "./account-store";
import { accountNow } from "./account-store";
import type { AwsError, Verb } from "./aws-error";
import { awsError } from "./aws-error";
import { behaviourTypes, checkBehaviour } from "./behaviour";

/** Quotas per account (the model's) plus the per-load-balancer ones only a multi-stack account can see. */
export interface StandinQuotas extends Quotas {
  targetGroupsPerAlb: number;
  rulesPerAlb: number;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

/** AWS's default quotas (infra/sim/account.ts); each overridable so tests can hit a quota with a handful of stacks. */
export function quotasFromEnv(): StandinQuotas {
  return {
    rdsInstances: envInt("PULUMI_STANDIN_QUOTA_RDS_INSTANCES", DEFAULT_QUOTAS.rdsInstances),
    iamRoles: envInt("PULUMI_STANDIN_QUOTA_IAM_ROLES", DEFAULT_QUOTAS.iamRoles),
    securityGroups: envInt("PULUMI_STANDIN_QUOTA_SECURITY_GROUPS", DEFAULT_QUOTAS.securityGroups),
    rulesPerListener: envInt("PULUMI_STANDIN_QUOTA_RULES_PER_LISTENER", DEFAULT_QUOTAS.rulesPerListener),
    targetGroupsPerAlb: envInt("PULUMI_STANDIN_QUOTA_TARGET_GROUPS_PER_ALB", 100),
    rulesPerAlb: envInt("PULUMI_STANDIN_QUOTA_RULES_PER_ALB", 100),
  };
}

function asAccount(r: CloudResource): AccountResource {
  return {
    type: r.type,
    name: r.name,
    stack: r.stack,
    physicalName: r.physicalName,
    inputs: r.inputs,
    outputs: r.outputs,
  };
}

const LISTENER = "aws:lb/listener:Listener";
const LISTENER_RULE = "aws:lb/listenerRule:ListenerRule";
const RDS_INSTANCE = "aws:rds/instance:Instance";
const SECRET = "aws:secretsmanager/secret:Secret";

/**
 * The account shards the rules below (and deletion.ts) need for a resource of `type`: every account rule of the model
 * (uniqueness, quotas) looks at one canonical type only, the per-load-balancer rules also at listeners, RDS restores and
 * deletions at snapshots, secrets at deleted secrets (and the account clock).
 */
export function accountScope(type: string): AccountScope {
  const t = canonicalType(type);
  return {
    types: [...new Set([t, ...(t === LISTENER_RULE ? [LISTENER] : []), ...behaviourTypes(t)])],
    meta: t === RDS_INSTANCE || t === SECRET,
  };
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Rules and forwarded target groups of the load balancer a listener rule attaches to, when its listener is known. */
function perAlbViolation(
  state: AccountState,
  others: CloudResource[],
  cand: CloudResource,
  q: StandinQuotas,
): [string, string] | undefined {
  if (canonicalType(cand.type) !== "aws:lb/listenerRule:ListenerRule") return undefined;
  const listeners = state.resources.filter((r) => canonicalType(r.type) === "aws:lb/listener:Listener");
  const lbOf = (listenerArn: string | undefined): string | undefined =>
    str(listeners.find((l) => l.id === listenerArn || l.outputs.arn === listenerArn)?.inputs.loadBalancerArn);
  const lb = lbOf(str(cand.inputs.listenerArn));
  if (lb === undefined) return undefined;
  const sameLb = listeners.filter((l) => l.inputs.loadBalancerArn === lb);
  const rules = [...others, cand].filter(
    (r) => canonicalType(r.type) === "aws:lb/listenerRule:ListenerRule" && lbOf(str(r.inputs.listenerArn)) === lb,
  );
  if (rules.length > q.rulesPerAlb)
    return ["TooManyRules", `You've reached the limit on the number of rules per load balancer (${q.rulesPerAlb})`];
  const tgs = new Set(
    [...rules, ...sameLb].flatMap((r) => [
      ...forwardTargetGroupArns(r.inputs),
      ...forwardTargetGroupArns({ actions: r.inputs.defaultActions }),
    ]),
  );
  if (tgs.size > q.targetGroupsPerAlb) {
    return [
      "TooManyTargetGroups",
      `You've reached the limit on the number of target groups per load balancer (${q.targetGroupsPerAlb})`,
    ];
  }
  return undefined;
}

/**
 * Account-level rules for a resource about to be created or updated: unique names and listener priorities across
 * all stacks, quotas, secret names still in their recovery window, and restores from snapshots that must exist.
 */
export function checkAgainstAccount(state: AccountState, cand: CloudResource, verb: Verb): AwsError | undefined {
  const others = state.resources.filter((r) => r.id !== cand.id);
  const q = quotasFromEnv();
  const physical = cand.physicalName ?? cand.name;
  const before = new Set(checkAccount(others.map(asAccount), q).map((v) => v.message));
  const fresh = checkAccount([...others, cand].map(asAccount), q).find((v) => !before.has(v.message));
  if (fresh) return awsError(cand.type, verb, physical, fresh.code, fresh.message);
  const perAlb = perAlbViolation(state, others, cand, q);
  if (perAlb) return awsError(cand.type, verb, physical, perAlb[0], perAlb[1]);
  const behaviour = checkBehaviour(state, cand, verb);
  if (behaviour) return behaviour;
  const t = canonicalType(cand.type);
  if (t === "aws:secretsmanager/secret:Secret" && verb === "creating") {
    const now = accountNow(state).getTime();
    const pending = state.deletedSecrets.find(
      (s) => s.name === cand.physicalName && Date.parse(s.deletedAt) + s.recoveryWindowInDays * 86_400_000 > now,
    );
    if (pending) {
      return awsError(
        cand.type,
        verb,
        physical,
        "InvalidRequestException",
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
  }
  const restoreFrom = str(cand.inputs.snapshotIdentifier);
  if (t === "aws:rds/instance:Instance" && verb === "creating" && restoreFrom !== undefined) {
    if (!state.snapshots.some((s) => s.dbSnapshotIdentifier === restoreFrom || s.dbSnapshotArn === restoreFrom)) {
      return awsError(cand.type, verb, physical, "DBSnapshotNotFound", `DBSnapshot not found: ${restoreFrom}`, 404);
    }
  }
  return undefined;
}
