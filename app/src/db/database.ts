/** The one seam between the app and its database, so PGlite and a PostgreSQL server are interchangeable. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Both drivers are told to hand back the same shapes: int8 as number (ids and counts stay far below 2^53),
// dates as 'YYYY-MM-DD' strings (never shifted by the server's time zone), timestamps as ISO strings.
export const INT8_OID = 20;
export const DATE_OID = 1082;
export const TIMESTAMPTZ_OID = 1184;

export const parseInt8 = (v: string): number => Number(v);
export const parseDate = (v: string): string => v;
export const parseTimestamptz = (v: string): string => new Date(v).toISOString();

/** The parsers both drivers are given, by type OID. */
export const TYPE_PARSERS: Readonly<Record<number, (v: string) => unknown>> = {
  [INT8_OID]: parseInt8,
  [DATE_OID]: parseDate,
  [TIMESTAMPTZ_OID]: parseTimestamptz,
};
