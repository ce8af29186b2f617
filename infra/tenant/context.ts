// Everything a tenant's components share, derived once from the spec and the shared stack's outputs. Pure: the
// checks that a valid spec fits this shared stack run (and are tested) without Pulumi.
import { SpecSharedMismatchError } from "../errors";
import { HOST_HEADER_MAX_LENGTH, tenantHost, tenantNames, type TenantNames } from "../naming";
import type { LoadBalancerOutputs, SharedOutputs } from "../shared/outputs";
import type { TenantSpec } from "../spec";
import { tenantTags } from "../tags";
import { TIERS, type Tier } from "../tiers";

export interface TenantContext {
  readonly spec: TenantSpec;
  readonly shared: SharedOutputs;
  readonly tier: Tier;
  readonly names: TenantNames;
  readonly isPreview: boolean;
  /** RDS deletion protection and Pulumi `protect`: on for tenants, off for previews and for teardown's release step. */
  readonly protectData: boolean;
  readonly host: string;
  readonly url: string;
  /** The image the service runs: a pinned image wins over the fleet's image. */
  readonly image: string;
  readonly loadBalancer: LoadBalancerOutputs;
  /** `aws`, `aws-cn`, `aws-us-gov`: taken from the cluster ARN so policies work outside the commercial partition. */
  readonly partition: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Pool-born tenants (spec.tenantId set): the app reads its identity from the identity secret at run time, so a
   * claim changes that secret, not the task definition. Tenants from before the pool keep it in the environment.
   */
  readonly runtimeIdentity: boolean;
  /** An unassigned pool slot: no customer, its listener rule matches only an unroutable host (see slotHost). */
  readonly isSlot: boolean;
}

/**
 * The host an unassigned slot's listener rule matches. ECS refuses a service whose target group no listener
 * forwards to, so a slot has a rule from the start; `.invalid` (RFC 2606) never resolves, so no client is sent
 * there, and a claim turns the rule to `<slug>.<baseDomain>` in place, keeping its priority.
 */
export const SLOT_HOST_SUFFIX = "unassigned.invalid";

export function slotHost(tenantId: string): string {
  return `${tenantId}.${SLOT_HOST_SUFFIX}`;
}

export function partitionOf(arn: string): string {
  const partition = arn.split(":")[1];
  return partition !== undefined && /^aws(-[a-z]+)*$/.test(partition) ? partition : "aws";
}

/** Builds the context, or throws SpecSharedMismatchError listing every way the spec does not fit the shared stack. */
export function tenantContext(spec: TenantSpec, shared: SharedOutputs): TenantContext {
  const problems: string[] = [];
  if (spec.env !== shared.env) {
    problems.push(
      `env: ${JSON.stringify(spec.env)} does not match the shared stack's env (allowed: ${JSON.stringify(shared.env)})`,
    );
  }
  const loadBalancer = shared.loadBalancers.find((lb) => lb.id === spec.loadBalancer);
  if (loadBalancer === undefined) {
    problems.push(
      `loadBalancer: ${JSON.stringify(spec.loadBalancer)} is not in the shared stack ` +
        `(allowed: ${shared.loadBalancers.map((lb) => lb.id).join(", ")})`,
    );
  }
  const isSlot = spec.slot === true;
  const host = isSlot && spec.tenantId !== undefined ? slotHost(spec.tenantId) : tenantHost(spec, shared.baseDomain);
  if (host.length > HOST_HEADER_MAX_LENGTH) {
    problems.push(
      `slug: host ${JSON.stringify(host)} has ${host.length} characters ` +
        `(allowed: at most ${HOST_HEADER_MAX_LENGTH} in a listener rule's host-header)`,
    );
  }
  if (problems.length > 0 || loadBalancer === undefined) throw new SpecSharedMismatchError(problems);
  return {
    spec,
    shared,
    tier: TIERS[spec.tier],
    names: tenantNames(spec),
    isPreview: spec.preview !== undefined,
    protectData: spec.preview === undefined,
    host,
    url: `https://${host}`,
    image: spec.pinnedImage ?? spec.image,
    loadBalancer,
    partition: partitionOf(shared.clusterArn),
    tags: tenantTags(spec),
    runtimeIdentity: spec.tenantId !== undefined,
    isSlot,
  };
}
