/**
 * Which of a torn-down tenant's secrets are still reserved: scheduled for deletion with a recovery window that has
 * not ended. Read from the state archive teardown wrote (each secret's name, ARN and recoveryWindowInDays), so the
 * answer follows what was deployed rather than today's program. Force-deleted secrets reserve nothing.
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import type { RecordStore } from "../store/records";
import type { TeardownRecord } from "../store/teardown-records";

export const SECRET_TYPE = "aws:secretsmanager/secret:Secret";
/** AWS's default when the state does not say. */
export const DEFAULT_RECOVERY_DAYS = 30;

export interface ReservedSecret {
  /** The secret's logical name in the tenant program (`<slug>-admin-token`). */
  readonly logicalName: string;
  readonly name: string;
  readonly arn: string;
  /** ISO time the recovery window ends. */
  readonly until: string;
}

interface ArchivedResource {
  readonly type?: string;
  readonly urn?: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Secrets of an archived deployment with their recovery windows (pure). */
export function archivedSecrets(
  deployment: Deployment | undefined,
): { logicalName: string; name: string; arn: string; recoveryDays: number }[] {
  const resources = (deployment?.deployment as { resources?: ArchivedResource[] } | undefined)?.resources ?? [];
  return resources
    .filter((r) => r.type === SECRET_TYPE)
    .map((r) => {
      const props = { ...(r.inputs ?? {}), ...(r.outputs ?? {}) };
      const days = props.recoveryWindowInDays;
      const logicalName = r.urn?.split("::").pop() ?? "unknown";
      return {
        logicalName,
        name: text(props.name) ?? logicalName,
        arn: text(props.arn) ?? text(props.id) ?? "unknown",
        recoveryDays: typeof days === "number" ? days : DEFAULT_RECOVERY_DAYS,
      };
    });
}

/** Pure: the secrets whose window, counted from the teardown's end, is still open at `now`. */
export function stillReserved(
  record: Pick<TeardownRecord, "secrets" | "finishedAt">,
  secrets: ReturnType<typeof archivedSecrets>,
  now: Date,
): ReservedSecret[] {
  if (record.secrets === "force-deleted") return [];
  const end = Date.parse(record.finishedAt);
  return secrets
    .filter((s) => s.recoveryDays > 0 && end + s.recoveryDays * 86_400_000 > now.getTime())
    .map((s) => ({
      logicalName: s.logicalName,
      name: s.name,
      arn: s.arn,
      until: new Date(end + s.recoveryDays * 86_400_000).toISOString(),
    }));
}

export async function reservedSecrets(
  store: RecordStore,
  record: TeardownRecord,
  now: Date,
): Promise<ReservedSecret[]> {
  const archive = await store.readJson<Deployment>(record.archiveKey);
  return stillReserved(record, archivedSecrets(archive), now);
}
