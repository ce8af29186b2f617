import { AwsError } from "../aws/aws-error";
import { awsError } from "../aws/aws-error";

/**
 * Fault injection for tests, read from the environment of the `pulumi` process (the SDK passes the test's env through):
 *  - PULUMI_STANDIN_FAIL: comma-separated globs over `<type>::<name>` (or the URN); matching resource operations fail
 *    with an AWS-shaped `InternalFailure` (message from PULUMI_STANDIN_FAIL_MESSAGE), for the operations listed in
 *    PULUMI_STANDIN_FAIL_OPS (default `create,update,replace,delete`).
 *  - PULUMI_STANDIN_DELAY_MS: every resource operation takes this long.
 *  - PULUMI_STANDIN_DIE: globs as above; the process kills itself (SIGKILL) when a matching operation starts, after
 *    recording it as a pending operation and with the stack lock still held, like a killed `pulumi up`.
 *    PULUMI_STANDIN_DIE_AFTER_CLOUD=1 dies after the simulated AWS call instead, leaving an orphan in the account.
 */
export type FaultOp = "create" | "update" | "replace" | "delete";

function globs(raw: string | undefined): RegExp[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g !== "")
    .map((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`));
}

export class Faults {
  private readonly fail = globs(process.env.PULUMI_STANDIN_FAIL);
  private readonly die = globs(process.env.PULUMI_STANDIN_DIE);
  private readonly failOps = new Set((process.env.PULUMI_STANDIN_FAIL_OPS ?? "create,update,replace,delete").split(","));
  readonly delayMs = Number(process.env.PULUMI_STANDIN_DELAY_MS ?? "0");
  readonly dieAfterCloud = process.env.PULUMI_STANDIN_DIE_AFTER_CLOUD === "1";

  constructor() {
    if (!Number.isFinite(this.delayMs) || this.delayMs < 0) {
      throw new Error(`PULUMI_STANDIN_DELAY_MS must be a non-negative number, got '${process.env.PULUMI_STANDIN_DELAY_MS}'`);
    }
  }

  private static matches(list: RegExp[], type: string, name: string, urn: string): boolean {
    return list.some((re) => re.test(`${type}::${name}`) || re.test(urn));
  }

  async delay(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
  }

  /** The injected error for this operation, if one is configured. */
  failure(op: FaultOp, type: string, name: string, urn: string, physical = name): AwsError | undefined {
    if (!this.failOps.has(op) || !Faults.matches(this.fail, type, name, urn)) return undefined;
    const verb = op === "delete" ? "deleting" : op === "create" ? "creating" : "updating";
    return awsError(type, verb, physical, "InternalFailure", process.env.PULUMI_STANDIN_FAIL_MESSAGE ?? "injected failure (PULUMI_STANDIN_FAIL)", 500);
  }

  shouldDie(type: string, name: string, urn: string): boolean {
    return Faults.matches(this.die, type, name, urn);
  }

  /** SIGKILL: no finally blocks, no lock release, no final checkpoint — exactly what a killed CLI leaves. */
  dieNow(): never {
    process.kill(process.pid, "SIGKILL");
    throw new AwsError("Killed", "unreachable: process was killed");
  }
}
