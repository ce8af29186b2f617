// A tenant stack's outputs: enough for any operator, on any machine, to upgrade or tear the tenant down from the
// backend alone. ARNs and names only, never a secret value.
import { parseTenantSpec, type TenantSpec } from "../spec";

export interface TenantOutputs {
  /** `https://<slug>.<baseDomain>` (`<slug>.preview.<baseDomain>` for previews). */
  readonly url: string;
  readonly host: string;
  /** The full validated spec; re-parse it with `parseTenantOutputs` before acting on it. */
  readonly spec: TenantSpec;
  /** The image the service runs: `spec.pinnedImage ?? spec.image`. */
  readonly image: string;
  readonly databaseIdentifier: string;
  readonly databaseEndpoint: string;
  /** The RDS-managed master secret (JSON with `username`, `password`), rotated by RDS every 7 days. */
  readonly databaseSecretArn: string;
  readonly adminTokenSecretArn: string;
  /** The snapshot teardown leaves behind; absent for previews, which take none. */
  readonly finalSnapshotIdentifier?: string;
  readonly listenerPriority: number;
  /** Id of the shared load balancer (`alb-0` …) whose HTTPS listener holds this tenant's rule. */
  readonly loadBalancer: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly targetGroupArn: string;
}

export const TENANT_OUTPUT_KEYS: readonly (keyof TenantOutputs)[] = [
  "url",
  "host",
  "spec",
  "image",
  "databaseIdentifier",
  "databaseEndpoint",
  "databaseSecretArn",
  "adminTokenSecretArn",
  "finalSnapshotIdentifier",
  "listenerPriority",
  "loadBalancer",
  "clusterName",
  "serviceName",
  "targetGroupArn",
];

/** Recovers the spec from a stack's raw `spec` output (as the Automation API returns it), validated again. */
export function specFromOutputs(outputs: Readonly<Record<string, unknown>>): TenantSpec {
  return parseTenantSpec(outputs["spec"]);
}
