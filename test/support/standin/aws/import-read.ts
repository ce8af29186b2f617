import type { CloudResource } from "./account-store";
import { withAccount } from "./account-store";
import { accountScope } from "./account-rules";

/**
 * Account access for Pulumi's `import` resource option: find an existing resource by type and id (from whichever
 * stack created it, or none — restored and retained resources included), and record the importing stack as its
 * owner once the import succeeds. Locks only the shard of the resource's type.
 */
export interface AccountImporter {
  /** The resource as the account holds it, or undefined when AWS has no such resource. */
  read(type: string, id: string): CloudResource | undefined;
  /** The import succeeded: the resource now belongs to `urn` in `stackKey` (`<project>/<stack>`). */
  claim(type: string, id: string, urn: string, stackKey: string): void;
}

export function accountImporter(backendRoot: string): AccountImporter {
  return {
    read: (type, id) =>
      withAccount(backendRoot, accountScope(type), (state) => {
        const found = state.resources.find((r) => r.type === type && r.id === id);
        return found === undefined ? undefined : structuredClone(found);
      }),
    claim: (type, id, urn, stackKey) =>
      withAccount(backendRoot, accountScope(type), (state) => {
        const found = state.resources.find((r) => r.type === type && r.id === id);
        if (found === undefined) throw new Error(`resource '${id}' does not exist`);
        found.urn = urn;
        found.stack = stackKey;
        found.name = urn.split("::").pop() ?? found.name;
      }),
  };
}
