// User-facing errors: the input was wrong, not the code. The CLI maps them to exit codes; anything else is a bug.

export type TenantctlErrorCode = "SPEC_INVALID" | "SHARED_CONFIG_INVALID" | "SPEC_SHARED_MISMATCH";

export abstract class TenantctlError extends Error {
  abstract readonly code: TenantctlErrorCode;
  /** One line each, `field: what is wrong (allowed: …)`. */
  readonly problems: readonly string[];

  protected constructor(summary: string, problems: readonly string[]) {
    super(problems.length > 0 ? `${summary}:\n  - ${problems.join("\n  - ")}` : summary);
    this.name = new.target.name;
    this.problems = problems;
  }
}

/** The tenant spec breaks a rule; nothing was touched. */
export class SpecValidationError extends TenantctlError {
  readonly code = "SPEC_INVALID" as const;

  constructor(problems: readonly string[]) {
    super("invalid tenant spec", problems);
  }
}

/** The shared stack's configuration breaks a rule; nothing was touched. */
export class SharedConfigError extends TenantctlError {
  readonly code = "SHARED_CONFIG_INVALID" as const;

  constructor(problems: readonly string[]) {
    super("invalid shared configuration", problems);
  }
}

/** A valid spec that does not fit the shared stack it would sit on (other env, unknown load balancer, host too long). */
export class SpecSharedMismatchError extends TenantctlError {
  readonly code = "SPEC_SHARED_MISMATCH" as const;

  constructor(problems: readonly string[]) {
    super("tenant spec does not fit the shared stack", problems);
  }
}

export function isTenantctlError(err: unknown): err is TenantctlError {
  return err instanceof TenantctlError;
}
