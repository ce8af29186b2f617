import { canonicalType } from "../../../../infra/sim/aws-model";
import type { AccountState, CloudResource } from "./account-store";
import { accountNow } from "./account-store";
import type { AwsError } from "./aws-error";
import { awsError } from "./aws-error";
import type { DeletedSecretRecord } from "./secret-restore";

const DEFAULT_RECOVERY_WINDOW_DAYS = 30;

function bool(v: unknown): boolean {
  return v === true || v === "true";
}

/**
 * What AWS does on delete beyond removing the resource: RDS refuses while deletion protection is on, takes the final
 * snapshot (whose identifier must be new), Secrets Manager keeps the name reserved for the recovery window.
 * Returns the error to fail with, or undefined after applying the side effects to `state`.
 */
export function applyDeletion(state: AccountState, r: CloudResource): AwsError | undefined {
  const t = canonicalType(r.type);
  const physical = r.physicalName ?? r.name;
  if (t === "aws:rds/instance:Instance") {
    if (bool(r.inputs.deletionProtection)) {
      return awsError(
        r.type,
        "deleting",
        physical,
        "InvalidParameterCombination",
        "Cannot delete protected DB Instance, please disable deletion protection and try again.",
      );
    }
    if (!bool(r.inputs.skipFinalSnapshot)) {
      const id = typeof r.inputs.finalSnapshotIdentifier === "string" ? r.inputs.finalSnapshotIdentifier : "";
      if (id === "") {
        return awsError(
          r.type,
          "deleting",
          physical,
          "InvalidParameterCombination",
          "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.",
        );
      }
      if (state.snapshots.some((s) => s.dbSnapshotIdentifier.toLowerCase() === id.toLowerCase())) {
        return awsError(
          r.type,
          "deleting",
          physical,
          "DBSnapshotAlreadyExists",
          `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
        );
      }
      const arn = typeof r.outputs.arn === "string" ? r.outputs.arn.replace(/:db:[^:]+$/, `:snapshot:${id}`) : id;
      state.snapshots.push({
        dbSnapshotIdentifier: id,
        dbSnapshotArn: arn,
        dbInstanceIdentifier: physical,
        engine: String(r.inputs.engine ?? "postgres"),
        engineVersion: String(r.inputs.engineVersion ?? ""),
        allocatedStorage: Number(r.inputs.allocatedStorage ?? 0),
        snapshotCreateTime: accountNow(state).toISOString(),
        tags: (r.inputs.tags as Record<string, string> | undefined) ?? {},
        stack: r.stack,
      });
    }
  }
  if (t === "aws:secretsmanager/secret:Secret") {
    const window =
      r.inputs.recoveryWindowInDays === undefined
        ? DEFAULT_RECOVERY_WINDOW_DAYS
        : Number(r.inputs.recoveryWindowInDays);
    if (window > 0 && r.physicalName) {
      // The whole record too (an optional field), so RestoreSecret can bring the secret back as it was.
      const entry: DeletedSecretRecord = {
        name: r.physicalName,
        arn: String(r.outputs.arn ?? r.id),
        deletedAt: accountNow(state).toISOString(),
        recoveryWindowInDays: window,
        resource: structuredClone(r),
      };
      state.deletedSecrets.push(entry);
    }
  }
  // By identity: two task definition revisions share their id (the family) while a replacement runs.
  state.resources = state.resources.filter((x) => x !== r);
  return undefined;
}
