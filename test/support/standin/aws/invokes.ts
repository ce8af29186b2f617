import type { SimContext } from "../../../../infra/sim/aws-model";
import { simulateInvoke } from "../../../../infra/sim/aws-model";
import type { PropertyMap } from "../engine/values";
import type { DbSnapshot } from "./account-store";
import { withAccount } from "./account-store";

function snapshotResult(s: DbSnapshot): PropertyMap {
  return {
    id: s.dbSnapshotIdentifier,
    dbSnapshotIdentifier: s.dbSnapshotIdentifier,
    dbSnapshotArn: s.dbSnapshotArn,
    dbInstanceIdentifier: s.dbInstanceIdentifier,
    engine: s.engine,
    engineVersion: s.engineVersion,
    allocatedStorage: s.allocatedStorage,
    snapshotCreateTime: s.snapshotCreateTime,
    snapshotType: "manual",
    status: "available",
    encrypted: true,
    tags: s.tags,
  };
}

/**
 * Invokes that depend on the account (final snapshots other stacks left behind) are answered here; everything else
 * goes to the model, which throws for tokens it cannot answer rather than inventing data.
 */
export function invoke(token: string, args: PropertyMap, ctx: SimContext, backendRoot: string): PropertyMap {
  if (token === "aws:rds/getSnapshot:getSnapshot") {
    const found = withAccount(backendRoot, { types: [], meta: true }, (state) =>
      state.snapshots
        .filter((s) => args.dbSnapshotIdentifier === undefined || s.dbSnapshotIdentifier === args.dbSnapshotIdentifier)
        .filter((s) => args.dbInstanceIdentifier === undefined || s.dbInstanceIdentifier === args.dbInstanceIdentifier)
        .sort((a, b) => b.snapshotCreateTime.localeCompare(a.snapshotCreateTime)),
    );
    if (found.length === 0 || (found.length > 1 && args.mostRecent !== true)) {
      throw new Error(
        found.length === 0
          ? "Your query returned no results. Please change your search criteria and try again."
          : "Your query returned more than one result. Please try more specific search criteria, or set `most_recent` attribute to true.",
      );
    }
    return snapshotResult(found[0]);
  }
  return simulateInvoke(token, args, ctx);
}
