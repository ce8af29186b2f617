/**
 * `tenantctl restore tenant <slug>`: validate (exit 2) → engine session (exit 5) → restore (3 no teardown recorded,
 * 4 tenant exists or secrets reserved, 5 a limit would be crossed or no AWS credentials for --restore-secrets,
 * 1 Secrets Manager or the engine failed) → report.
 */
import { snapshotIdProblem } from "../../infra/spec-rules";
import { UsageError } from "../errors";
import type { Io, Reporter } from "../io";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { checkSlugAndEnv, envOrDefault } from "../env-input";
import { restoreTenant } from "../fleet/restore";

export interface RestoreFlags {
  readonly env?: string;
  readonly snapshot?: string;
  readonly newSecrets?: boolean;
  readonly restoreSecrets?: boolean;
  readonly json?: boolean;
  readonly secretsProvider?: string;
}

export async function restoreAction(io: Io, reporter: Reporter, slug: string, flags: RestoreFlags): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  checkSlugAndEnv(slug, env);
  const snapshotIssue = flags.snapshot === undefined ? undefined : snapshotIdProblem(flags.snapshot);
  if (snapshotIssue !== undefined) throw new UsageError(`--snapshot: ${snapshotIssue}`);
  if (flags.newSecrets === true && flags.restoreSecrets === true) {
    throw new UsageError(
      "--restore-secrets and --new-secrets exclude each other (allowed: one of them: keep the old admin token, or take a new one)",
    );
  }
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const session = await openEngineSession(io, { secretsProvider, installPulumi: false });
  const retry = `tenantctl restore tenant ${slug} --env ${env}${flags.snapshot === undefined ? "" : ` --snapshot ${flags.snapshot}`}`;
  const result = await restoreTenant(session, {
    slug,
    env,
    snapshot: flags.snapshot,
    secrets: flags.restoreSecrets === true ? "restore" : flags.newSecrets === true ? "new" : undefined,
    retry,
  });
  const url = typeof result.outputs.url === "string" ? result.outputs.url : null;
  const document = {
    tenant: slug,
    env,
    stack: result.target.stack,
    snapshot: result.snapshot,
    tornDownAt: result.fromTeardown.finishedAt,
    url,
    tier: result.spec.tier,
    image: result.spec.pinnedImage ?? result.spec.image,
    generation: result.spec.generation,
    listenerPriority: result.spec.listenerPriority,
    loadBalancer: result.spec.loadBalancer,
    resourceChanges: result.changes,
    restoredSecrets: result.restoredSecrets,
    adoptedAdminTokenSecretArn: result.spec.adoptedAdminTokenSecretArn ?? null,
    spec: result.spec,
  };
  reporter.result(document, (out) => {
    out(`${slug} is restored from snapshot ${result.snapshot} (torn down ${result.fromTeardown.finishedAt})`);
    out(`  url:      ${url ?? "(not reported by the stack)"}`);
    out(`  tier:     ${result.spec.tier}; image ${document.image}`);
    out(
      `  priority: ${result.spec.listenerPriority} on ${result.spec.loadBalancer}; generation ${result.spec.generation}`,
    );
    out(
      `  secrets:  ${result.restoredSecrets.length > 0 ? `restored and adopted (${result.restoredSecrets.map((s) => s.name).join(", ")}); admin token kept` : "new"}`,
    );
  });
}
