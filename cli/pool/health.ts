/**
 * A slot's health: its stack's last operation succeeded and a read of every resource (`refresh --preview-only`,
 * which changes nothing) finds none changed or gone behind the program's back. The result is kept as a health
 * record; a claim skips a slot whose last check failed, and `pool status` shows why.
 */
import { driftedFromEvent } from "../fleet/tenant-drift";
import { runEngine } from "../orchestration/run-engine";
import type { EngineSession } from "../orchestration/session";
import { tenantTarget } from "../orchestration/tenant-stack";
import { openWorkspace, selectExisting } from "../orchestration/workspace";
import { healthKey, type HealthRecord, type SlotView } from "./records";

export async function checkSlot(session: EngineSession, slot: SlotView, retry: string): Promise<HealthRecord> {
  const checkedAt = session.io.now().toISOString();
  const record = (healthy: boolean, reason?: string): HealthRecord => ({
    tenantId: slot.tenantId,
    healthy,
    reason,
    checkedAt,
  });
  let result: HealthRecord;
  if (slot.status !== "succeeded") {
    result = record(false, `its last operation ${slot.status}${slot.message === undefined ? "" : `: ${slot.message}`}`);
  } else {
    const target = tenantTarget(slot.tenantId, slot.env);
    const stack = await selectExisting(await openWorkspace(session.workspace, target.project, undefined), target.stack);
    if (stack === undefined) {
      result = record(false, `its stack ${target.stack} does not exist`);
    } else {
      const drifted: string[] = [];
      const run = {
        io: session.io,
        project: target.project,
        stack: target.stack,
        fileRoot: session.backend.fileRoot,
        retry,
      };
      await runEngine({ ...run, title: `checking pool slot ${slot.tenantId}` }, (o) =>
        stack.previewRefresh({
          ...o,
          onEvent: (event) => {
            o.onEvent(event);
            const found = driftedFromEvent(event);
            if (found !== undefined)
              drifted.push(`${found.name} ${found.op === "delete" ? "gone" : `changed (${found.keys.join(", ")})`}`);
          },
        }),
      );
      result =
        drifted.length === 0 ? record(true) : record(false, `changed behind tenantctl's back: ${drifted.join("; ")}`);
    }
  }
  await session.store.writeJson(healthKey(slot.env, slot.tenantId), result);
  return result;
}
