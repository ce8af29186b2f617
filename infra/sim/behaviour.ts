// AWS behaviour over time and across the infrastructure/app boundary, checked over a whole program's resources: what
// the per-resource rules (rules-*.ts) cannot see because it depends on another resource's state when this one is
// created, or on what the app inside a task does with what the task gives it. docs/sim.md lists each behaviour with
// the test that shows it; the stand-in's account models the same behaviours across stacks (test/support/standin/aws).
import { forwardTargetGroupArns } from "./account";
import { canonicalType } from "./types";
import type { Violation } from "./types";

export interface BehaviourResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  /** URNs this resource's inputs waited for (the engine's `dependencies`): what existed before it was created. */
  readonly dependencies: readonly string[];
}

const CERTIFICATE = "aws:acm/certificate:Certificate";
const CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const LISTENER = "aws:lb/listener:Listener";
const RDS_INSTANCE = "aws:rds/instance:Instance";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const LISTENER_RULE = "aws:lb/listenerRule:ListenerRule";

/** ECS CreateService with a target group no listener or rule forwards to. */
export function targetGroupNotAssociatedMessage(targetGroupArn: string): string {
  return `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`;
}

/** The target groups a listener (default actions) or listener rule forwards to. */
export function forwardedTargetGroups(type: string, inputs: Record<string, unknown>): string[] {
  const t = canonicalType(type);
  if (t === LISTENER_RULE) return forwardTargetGroupArns(inputs);
  if (t === LISTENER) return forwardTargetGroupArns({ actions: inputs["defaultActions"] });
  return [];
}

export function serviceTargetGroups(inputs: Record<string, unknown>): string[] {
  const lbs = Array.isArray(inputs["loadBalancers"]) ? (inputs["loadBalancers"] as Record<string, unknown>[]) : [];
  return lbs.map((lb) => str(lb["targetGroupArn"])).filter((arn): arn is string => arn !== undefined);
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** ELBv2 CreateListener/ModifyListener with an ACM certificate that is not ISSUED (e.g. PENDING_VALIDATION). */
export function unsupportedCertificateMessage(certificateArn: string): string {
  return `The certificate '${certificateArn}' must have a fully-qualified domain name, a supported signature, and a supported key size.`;
}

function dependsOn(
  byUrn: ReadonlyMap<string, BehaviourResource>,
  from: BehaviourResource,
  match: (r: BehaviourResource) => boolean,
): boolean {
  const seen = new Set<string>();
  const stack = [...from.dependencies];
  while (stack.length > 0) {
    const urn = stack.pop() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const r = byUrn.get(urn);
    if (r === undefined) continue;
    if (match(r)) return true;
    stack.push(...r.dependencies);
  }
  return false;
}

/**
 * A certificate this program requests is PENDING_VALIDATION when created; only an `aws.acm.CertificateValidation`
 * waits until ACM has ISSUED it. A listener created before that (it did not wait for the validation) is refused
 * with UnsupportedCertificate. A certificate ARN from outside the program is not judged here (the stand-in's
 * account knows whether it is issued).
 */
function listenerCertificates(
  resources: readonly BehaviourResource[],
  byUrn: ReadonlyMap<string, BehaviourResource>,
): Violation[] {
  const certificates = new Set(
    resources.filter((r) => canonicalType(r.type) === CERTIFICATE).map((r) => str(r.outputs["arn"])),
  );
  return resources
    .filter((r) => canonicalType(r.type) === LISTENER)
    .flatMap((listener) => {
      const certificateArn = str(listener.inputs["certificateArn"]);
      if (certificateArn === undefined || !certificates.has(certificateArn)) return [];
      const waited = dependsOn(
        byUrn,
        listener,
        (r) => canonicalType(r.type) === CERTIFICATE_VALIDATION && str(r.inputs["certificateArn"]) === certificateArn,
      );
      return waited
        ? []
        : [
            {
              type: listener.type,
              name: listener.name,
              rule: "listener-certificate-issued",
              code: "UnsupportedCertificate",
              message: `${unsupportedCertificateMessage(certificateArn)} (the listener does not wait for a CertificateValidation of it, so the certificate is still PENDING_VALIDATION)`,
            },
          ];
    });
}

/** RDS for PostgreSQL 15 and later sets rds.force_ssl=1 in its default parameter groups. */
export function forcesTls(inputs: Record<string, unknown>): boolean {
  if (str(inputs["engine"]) !== "postgres") return false;
  const major = Number.parseInt(str(inputs["engineVersion"]) ?? "99", 10);
  const group = str(inputs["parameterGroupName"]);
  return major >= 15 && (group === undefined || group.startsWith("default."));
}

interface ContainerDefinition {
  readonly name?: string;
  readonly environment?: readonly { name?: string; value?: string }[];
}

function containers(inputs: Record<string, unknown>): ContainerDefinition[] {
  const raw = inputs["containerDefinitions"];
  try {
    const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    return Array.isArray(parsed) ? (parsed as ContainerDefinition[]) : [];
  } catch {
    return [];
  }
}

/**
 * A container that connects to such a database (its DB_HOST is the instance's address) must connect with TLS: the
 * app does so when DB_SSL_CA_FILE names a CA bundle (an absolute path in the image). Without it the server answers
 * `no pg_hba.conf entry for host …, no encryption` (SQLSTATE 28000) and the task never becomes healthy.
 */
function databaseTls(resources: readonly BehaviourResource[]): Violation[] {
  const forced = new Set(
    resources
      .filter((r) => canonicalType(r.type) === RDS_INSTANCE && forcesTls(r.inputs))
      .map((r) => str(r.outputs["address"])),
  );
  return resources
    .filter((r) => canonicalType(r.type) === TASK_DEFINITION)
    .flatMap((task) =>
      containers(task.inputs).flatMap((container) => {
        const env = new Map((container.environment ?? []).map((e) => [e.name, e.value]));
        const host = env.get("DB_HOST");
        if (host === undefined || !forced.has(host)) return [];
        const ca = env.get("DB_SSL_CA_FILE");
        if (ca !== undefined && ca.startsWith("/")) return [];
        return [
          {
            type: task.type,
            name: task.name,
            rule: "db-tls-required",
            code: "28000",
            message:
              `container ${container.name ?? "?"} connects to ${host}, a PostgreSQL ≥ 15 instance with a default parameter group ` +
              `(rds.force_ssl=1), without TLS: DB_SSL_CA_FILE is ${ca === undefined ? "not set" : `"${ca}", not an absolute path`}; ` +
              "the server refuses the login (no pg_hba.conf entry …, no encryption)",
          },
        ];
      }),
    );
}

/**
 * ECS CreateService with `loadBalancers` fails unless the target group is already attached to the load balancer by
 * a listener or listener rule, so the service must wait for the rule that forwards to its target group.
 */
function serviceAttachments(
  resources: readonly BehaviourResource[],
  byUrn: ReadonlyMap<string, BehaviourResource>,
): Violation[] {
  return resources
    .filter((r) => canonicalType(r.type) === SERVICE)
    .flatMap((service) =>
      serviceTargetGroups(service.inputs).flatMap((tg) => {
        const attached = dependsOn(byUrn, service, (r) => forwardedTargetGroups(r.type, r.inputs).includes(tg));
        return attached
          ? []
          : [
              {
                type: service.type,
                name: service.name,
                rule: "service-target-group-attached",
                code: "InvalidParameterException",
                message: `${targetGroupNotAssociatedMessage(tg)} (the service does not wait for a listener or rule forwarding to it)`,
              },
            ];
      }),
    );
}

export function checkBehaviour(resources: readonly BehaviourResource[]): Violation[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return [
    ...listenerCertificates(resources, byUrn),
    ...databaseTls(resources),
    ...serviceAttachments(resources, byUrn),
  ];
}
