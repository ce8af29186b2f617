/**
 * After the engine died mid-operation (killed, or stopped by a second Ctrl-C): what it left and the exact way back.
 * Pulumi writes the checkpoint before each resource call with the call as a pending operation, so a resource whose
 * create was in flight may exist in AWS without being in the state (Pulumi docs, "pending operations"). The stack's
 * lock stays with the dead process. We read both and print: clear the lock, adopt or delete each such resource, rerun.
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import { hostname } from "node:os";
import { ConflictError, OperationFailedError } from "../errors";
import { projectWorkDir } from "../store/backend";
import { describeLock, fileLockSource, lockIsStale, readLockHolder, type LockHolder } from "../store/locks";

export interface PendingResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Pulumi's word for the call in flight: creating, updating, deleting, reading, importing. */
  readonly operation: string;
  readonly parent: string | undefined;
  /** The name it has (or would have) in AWS, from its inputs (auto-names are in the inputs before the call). */
  readonly physicalName: string | undefined;
  /** What `pulumi import` takes for this type (@pulumi/aws's "Import" sections), when the inputs determine it. */
  readonly importId: string | undefined;
}

interface PendingOperationState {
  readonly type?: string;
  readonly resource?: {
    readonly urn?: string;
    readonly type?: string;
    readonly id?: string;
    readonly parent?: string;
    readonly inputs?: Record<string, unknown>;
  };
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** `pulumi import` ids of @pulumi/aws 7 for the types tenant stacks hold; undefined = AWS assigns it (an ARN or sg-…). */
function importIdOf(type: string, inputs: Record<string, unknown>): string | undefined {
  switch (type) {
    case "aws:rds/instance:Instance":
      return text(inputs.identifier);
    case "aws:iam/role:Role":
    case "aws:cloudwatch/logGroup:LogGroup":
      return text(inputs.name);
    case "aws:ecs/service:Service": {
      const cluster = text(inputs.cluster)?.split("/").pop();
      const name = text(inputs.name);
      return cluster !== undefined && name !== undefined ? `${cluster}/${name}` : undefined;
    }
    default:
      return undefined;
  }
}

export function pendingResources(deployment: Deployment): PendingResource[] {
  const inner = deployment.deployment as { pending_operations?: PendingOperationState[] } | undefined;
  return (inner?.pending_operations ?? []).flatMap((op) => {
    const urn = op.resource?.urn;
    if (urn === undefined) return [];
    const inputs = op.resource?.inputs ?? {};
    const type = op.resource?.type ?? urn.split("::")[2]?.split("$").pop() ?? "unknown";
    return [
      {
        type,
        name: urn.split("::").pop() ?? urn,
        urn,
        operation: op.type ?? "unknown",
        parent: op.resource?.parent,
        physicalName: text(inputs.identifier) ?? text(inputs.name) ?? text(inputs.family),
        importId: text(op.resource?.id) ?? importIdOf(type, inputs),
      },
    ];
  });
}

const quote = (value: string): string =>
  /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;

/** The `pulumi import` that puts the resource into the state where the program expects it (same parent, same URN). */
export function importCommand(stack: string, resource: PendingResource): string {
  const id =
    resource.importId ??
    `<its id in AWS${resource.physicalName === undefined ? "" : `: look up ${resource.physicalName}`}>`;
  const parent =
    resource.parent === undefined || resource.parent.includes("::pulumi:pulumi:Stack::")
      ? []
      : ["--parent", quote(`parent=${resource.parent}`)];
  return [
    "pulumi",
    "import",
    quote(resource.type),
    quote(resource.name),
    resource.importId === undefined ? id : quote(id),
    ...parent,
    "--stack",
    quote(stack),
    "--protect=false",
    "--generate-code=false",
    "--yes",
  ].join(" ");
}

export interface EngineDeath {
  readonly project: string;
  readonly stack: string;
  readonly fileRoot: string | undefined;
  readonly retry: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** "killed by SIGKILL", "stopped by a second Ctrl-C" */
  readonly how: string;
  readonly lockHolder: LockHolder | undefined;
  readonly pending: readonly PendingResource[];
}

/** Reads what the dead engine left: its lock and its pending operations (an unreadable state means none are known). */
export async function inspectDeath(
  base: Omit<EngineDeath, "lockHolder" | "pending">,
  exportState: (() => Promise<Deployment>) | undefined,
): Promise<EngineDeath> {
  const lockHolder =
    base.fileRoot === undefined
      ? undefined
      : await readLockHolder(fileLockSource(base.fileRoot), base.project, base.stack).catch(() => undefined);
  const deployment = exportState === undefined ? undefined : await exportState().catch(() => undefined);
  return { ...base, lockHolder, pending: deployment === undefined ? [] : pendingResources(deployment) };
}

/** Numbered steps: release the lock, adopt or delete each resource that may exist only in AWS, rerun. */
export function recoverySteps(death: EngineDeath): string {
  const workDir = projectWorkDir(death.env, death.cwd, death.project);
  const inWorkDir = (command: string): string => `(cd ${quote(workDir)} && ${command})`;
  const orphans = death.pending.filter(creating);
  const steps: string[] = [];
  if (death.lockHolder !== undefined) {
    const stale = lockIsStale(death.lockHolder, hostname());
    steps.push(
      stale
        ? `release the stale lock of ${describeLock(death.lockHolder)} (that process is gone): ${inWorkDir(`pulumi cancel --yes --stack ${quote(death.stack)}`)}`
        : `once ${describeLock(death.lockHolder)} has ended, release its lock: ${inWorkDir(`pulumi cancel --yes --stack ${quote(death.stack)}`)}`,
    );
  }
  for (const p of orphans) {
    const physical = p.physicalName === undefined ? "" : ` (in AWS: ${p.physicalName})`;
    steps.push(
      `${p.type} ${p.name}${physical} was being created and may exist in AWS without being in the state: if it exists, adopt it with ${inWorkDir(importCommand(death.stack, p))}; if it does not, nothing to do; or delete it in AWS`,
    );
  }
  steps.push(`rerun: ${death.retry}`);
  return steps.map((s, i) => `${i + 1}. ${s}`).join("\n");
}

function creating(p: PendingResource): boolean {
  return p.operation === "creating" || p.operation === "importing";
}

export function engineDeathError(death: EngineDeath): OperationFailedError {
  const orphans = death.pending.filter(creating);
  const others = death.pending.filter((p) => !orphans.includes(p));
  const left = [
    death.lockHolder === undefined ? "the stack is not locked" : "the stack is left locked",
    orphans.length > 0 ? `${orphans.length} resource(s) may exist in AWS without being in its state` : undefined,
    others.length > 0
      ? `${others.length} other operation(s) were in flight (${others.map((p) => `${p.operation} ${p.name}`).join(", ")}; the rerun settles them)`
      : undefined,
  ].filter((part): part is string => part !== undefined);
  return new OperationFailedError(
    `the engine was ${death.how} during the operation on ${death.stack}: ${left.join("; ")}`,
    {
      hint: recoverySteps(death),
      details: {
        stack: death.stack,
        engine: death.how,
        lockHolder: death.lockHolder ?? null,
        pendingOperations: death.pending,
      },
    },
  );
}

/** A stack still locked by an engine that died earlier (found before a new run starts): exit 4 with the same recovery. */
export function staleLockError(death: EngineDeath): ConflictError {
  const orphans = death.pending.filter(creating);
  const what =
    orphans.length > 0
      ? `; ${orphans.length} resource(s) it was creating may exist in AWS without being in the state`
      : "";
  return new ConflictError(
    `stack ${death.stack} is locked by ${describeLock(death.lockHolder)}, a process that is gone: the lock is stale${what}`,
    {
      hint: recoverySteps(death),
      details: {
        stack: death.stack,
        lockHolder: death.lockHolder ?? null,
        stale: true,
        pendingOperations: death.pending,
      },
    },
  );
}
