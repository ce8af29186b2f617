import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths pino censors wherever they appear in a log line. The app never logs its configuration or secrets on
 * purpose; this list is the net under mistakes (an error object carrying a header, a config dumped while debugging).
 */
export const REDACT_PATHS: readonly string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["idempotency-key"]',
  "headers.authorization",
  "authorization",
  "password",
  "*.password",
  "token",
  "*.token",
  "adminToken",
  "*.adminToken",
  "SecretString",
  "*.SecretString",
  "DATABASE_URL",
  "*.DATABASE_URL",
  "connectionString",
  "*.connectionString",
];

export interface LoggerOptions {
  readonly tenantSlug: string;
  readonly level: string;
  /** Defaults to stdout; tests pass a stream to read the lines back. */
  readonly destination?: DestinationStream;
}

/** JSON lines on stdout (CloudWatch via awslogs), every line tagged with the tenant. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { tenant: opts.tenantSlug },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
