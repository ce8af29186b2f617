import type { CloudResource } from "../aws/account-store";
import { isWriteOnly } from "../aws/replace-keys";
import type { PropertyMap } from "./values";
import { changedKeys, maskSecrets } from "./values";

/**
 * Pulumi's `import` resource option (RegisterResource with an import id): with no prior state, the engine reads the
 * resource from the provider by id and adopts it instead of creating it. It fails when the resource does not exist
 * and when the program's inputs differ from the imported ones (the real engine's messages). Auto-names come from the
 * existing resource (the provider's Check gets its inputs as the old inputs).
 */
export const IMPORT_MISMATCH = "inputs to import do not match the existing resource";

export function importMissing(id: string): Error {
  return new Error(`resource '${id}' does not exist`);
}

/** Top-level input keys where the program and the existing resource disagree (write-only inputs are never read back). */
export function importDiffs(type: string, cloud: CloudResource, inputs: PropertyMap): string[] {
  return changedKeys(cloud.inputs, maskSecrets(inputs) as PropertyMap).filter((k) => !isWriteOnly(type, k));
}

export function importMismatch(diffs: string[]): Error {
  return new Error(`${IMPORT_MISMATCH}; differing properties: ${diffs.join(", ")}`);
}
