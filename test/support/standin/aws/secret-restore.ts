import type { CloudResource, DeletedSecret } from "./account-store";
import { accountNow, withAccount } from "./account-store";
import { accountScope } from "./account-rules";

const SECRET_TYPE = "aws:secretsmanager/secret:Secret";

/**
 * A deleted secret as the account keeps it: deletion.ts records the secret's whole resource record too, so
 * RestoreSecret can put it back as it was (name, ARN, description, tags), like Secrets Manager does.
 */
export interface DeletedSecretRecord extends DeletedSecret {
  resource?: CloudResource;
}

export type RestoreSecretOutcome =
  | { readonly ok: true; readonly arn: string; readonly name: string }
  | {
      readonly ok: false;
      readonly code: "ResourceNotFoundException" | "InvalidRequestException";
      readonly message: string;
    };

const NOT_FOUND = "Secrets Manager can't find the specified secret.";

function matches(secretId: string, arn: string, name: string): boolean {
  // Secrets Manager accepts the full ARN, the ARN without its 6-character suffix, or the name.
  return secretId === arn || secretId === name || (arn.startsWith(secretId) && arn.length - secretId.length === 7);
}

/**
 * Secrets Manager's RestoreSecret over the simulated account: a secret scheduled for deletion and still within its
 * recovery window moves back into the account's resources; a secret that is not scheduled for deletion is left as
 * it is (success); a secret whose window has passed is gone for good.
 */
export function restoreDeletedSecret(backendRoot: string, secretId: string): RestoreSecretOutcome {
  return withAccount(backendRoot, accountScope(SECRET_TYPE), (state) => {
    const now = accountNow(state).getTime();
    const entries = state.deletedSecrets as DeletedSecretRecord[];
    const index = entries.findIndex(
      (s) => matches(secretId, s.arn, s.name) && Date.parse(s.deletedAt) + s.recoveryWindowInDays * 86_400_000 > now,
    );
    if (index >= 0) {
      const entry = entries[index] as DeletedSecretRecord;
      if (state.resources.some((r) => r.type === SECRET_TYPE && r.physicalName === entry.name)) {
        return {
          ok: false,
          code: "InvalidRequestException",
          message: `A secret with the name ${entry.name} already exists.`,
        } as const;
      }
      const resource: CloudResource = entry.resource ?? {
        type: SECRET_TYPE,
        id: entry.arn,
        urn: "",
        stack: "",
        name: entry.name,
        physicalName: entry.name,
        inputs: { name: entry.name },
        outputs: { arn: entry.arn, name: entry.name },
        seed: entry.arn,
        createdAt: entry.deletedAt,
      };
      state.deletedSecrets = entries.filter((_, i) => i !== index);
      state.resources.push(resource);
      return { ok: true, arn: entry.arn, name: entry.name } as const;
    }
    const active = state.resources.find(
      (r) => r.type === SECRET_TYPE && matches(secretId, r.id, r.physicalName ?? r.name),
    );
    if (active) return { ok: true, arn: active.id, name: active.physicalName ?? active.name } as const;
    return { ok: false, code: "ResourceNotFoundException", message: NOT_FOUND } as const;
  });
}
