import { canonicalType } from "../../../../infra/sim/aws-model";
import { AwsError } from "../aws/aws-error";
import { awsError } from "../aws/aws-error";

/**
 * Fault injection for tests, read from the environment of the `pulumi` process (the SDK passes the test's env through):
 *  - PULUMI_STANDIN_FAIL: comma-separated globs over `<type>::<name>` (or the URN); matching resource operations fail
 *    with an AWS-shaped `InternalFailure` (message from PULUMI_STANDIN_FAIL_MESSAGE), for the operations listed in
 *    PULUMI_STANDIN_FAIL_OPS (default `create,update,replace,delete`).
 *  - PULUMI_STANDIN_DELAY_MS: how long each resource operation takes: a bare number for every type, and/or
 *    `<type>=<ms>` entries for one type (matched as given or by canonical type), and/or `<type>@<op>=<ms>` for one
 *    operation of one type (op: create, update, replace, delete, read), comma-separated, the most specific winning:
 *    `1000,aws:ecs/service:Service=60000,aws:rds/instance:Instance@create=420000`.
 *  - PULUMI_STANDIN_DIE: globs as above; the process kills itself (SIGKILL) when a matching operation starts, after
 *    recording it as a pending operation and with the stack lock still held, like a killed `pulumi up`.
 *    PULUMI_STANDIN_DIE_AFTER_CLOUD=1 dies after the simulated AWS call instead, leaving an orphan in the account.
 */
export type FaultOp = "create" | "update" | "replace" | "delete";

/** The operations `<type>@<op>=<ms>` can name: the steps that call AWS, and reads (refresh, `get`, import). */
export const DELAY_OPS = ["create", "update", "replace", "delete", "read"] as const;
export type DelayOp = (typeof DELAY_OPS)[number];

/**
 * Delays from PULUMI_STANDIN_DELAY_MS: per type and operation (`<canonical type>@<op>` → ms), per type
 * (canonical type → ms), and the default for everything else.
 */
export interface Delays {
  readonly defaultMs: number;
  readonly byType: ReadonlyMap<string, number>;
  readonly byTypeOp: ReadonlyMap<string, number>;
}

/** Parses PULUMI_STANDIN_DELAY_MS; throws (the stand-in prints `error: …`) on anything it does not understand. */
export function parseDelays(raw: string | undefined): Delays {
  const byType = new Map<string, number>();
  const byTypeOp = new Map<string, number>();
  let defaultMs: number | undefined;
  if (raw === undefined || raw.trim() === "") return { defaultMs: 0, byType, byTypeOp };
  const bad = (why: string): Error =>
    new Error(
      `PULUMI_STANDIN_DELAY_MS must be a non-negative number or comma-separated <ms>, <type>=<ms> and <type>@<op>=<ms> entries, op one of ${DELAY_OPS.join(", ")} (${why}), got '${raw}'`,
    );
  const ms = (text: string): number => {
    const n = text.trim() === "" ? NaN : Number(text);
    if (!Number.isFinite(n) || n < 0) throw bad(`'${text.trim()}' is not a non-negative number`);
    return n;
  };
  for (const entry of raw.split(",").map((e) => e.trim())) {
    if (entry === "") throw bad("empty entry");
    const eq = entry.lastIndexOf("=");
    if (eq === -1) {
      if (defaultMs !== undefined) throw bad("more than one default");
      defaultMs = ms(entry);
      continue;
    }
    const target = entry.slice(0, eq).trim();
    const at = target.lastIndexOf("@");
    const type = at === -1 ? target : target.slice(0, at).trim();
    const op = at === -1 ? undefined : target.slice(at + 1).trim();
    if (!/^[A-Za-z0-9_-]+:[A-Za-z0-9_./-]*:[A-Za-z0-9_]+$/.test(type))
      throw bad(`'${type}' is not a resource type token`);
    if (op !== undefined && !(DELAY_OPS as readonly string[]).includes(op)) throw bad(`'${op}' is not an operation`);
    const key = op === undefined ? canonicalType(type) : `${canonicalType(type)}@${op}`;
    const map = op === undefined ? byType : byTypeOp;
    if (map.has(key)) throw bad(`'${target}' given twice`);
    map.set(key, ms(entry.slice(eq + 1)));
  }
  return { defaultMs: defaultMs ?? 0, byType, byTypeOp };
}

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
  private readonly failOps = new Set(
    (process.env.PULUMI_STANDIN_FAIL_OPS ?? "create,update,replace,delete").split(","),
  );
  readonly delays = parseDelays(process.env.PULUMI_STANDIN_DELAY_MS);
  readonly dieAfterCloud = process.env.PULUMI_STANDIN_DIE_AFTER_CLOUD === "1";

  private static matches(list: RegExp[], type: string, name: string, urn: string): boolean {
    return list.some((re) => re.test(`${type}::${name}`) || re.test(urn));
  }

  /** How long `op` on a resource of `type` takes: `<type>@<op>`, else `<type>`, else the default. */
  delayMs(type: string, op?: DelayOp): number {
    const key = canonicalType(type);
    const specific = op === undefined ? undefined : this.delays.byTypeOp.get(`${key}@${op}`);
    return specific ?? this.delays.byType.get(key) ?? this.delays.defaultMs;
  }

  async delay(type: string, op?: DelayOp): Promise<void> {
    const ms = this.delayMs(type, op);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  /** The injected error for this operation, if one is configured. */
  failure(op: FaultOp, type: string, name: string, urn: string, physical = name): AwsError | undefined {
    if (!this.failOps.has(op) || !Faults.matches(this.fail, type, name, urn)) return undefined;
    const verb = op === "delete" ? "deleting" : op === "create" ? "creating" : "updating";
    return awsError(
      type,
      verb,
      physical,
      "InternalFailure",
      process.env.PULUMI_STANDIN_FAIL_MESSAGE ?? "injected failure (PULUMI_STANDIN_FAIL)",
      500,
    );
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
