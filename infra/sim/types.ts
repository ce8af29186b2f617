/** Where a simulated resource lives; part of every ARN and of the auto-name seed. */
export interface SimContext {
  readonly region: string;
  readonly accountId: string;
  readonly project: string;
  readonly stack: string;
}

/** One broken AWS rule, named the way the AWS API would reject the call. */
export interface Violation {
  readonly type: string;
  readonly name: string;
  readonly rule: string;
  /** The error code AWS (or the Pulumi provider, for auto-naming) answers with. */
  readonly code: string;
  readonly message: string;
}

/** Property bag as the Pulumi engine hands it over: plain JSON-like values. */
export type Props = Readonly<Record<string, unknown>>;

/** A resource as the account-level checks see it, possibly from many stacks. */
export interface AccountResource {
  readonly type: string;
  readonly name: string;
  readonly stack: string;
  readonly physicalName: string | undefined;
  readonly inputs: Props;
  readonly outputs: Props;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/**
 * The provider lists Pulumi's type tokens under their canonical module; older aliases
 * (`aws:alb/…`, `aws:applicationloadbalancing/…`, `aws:elasticloadbalancingv2/…`) name the same AWS API.
 */
export function canonicalType(type: string): string {
  return type.replace(/^aws:(alb|applicationloadbalancing|elasticloadbalancingv2)\//, "aws:lb/");
}
