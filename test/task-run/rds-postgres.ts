// A throw-away PostgreSQL server set up the way RDS for PostgreSQL sets up a new instance, for the local task run:
// - TLS forced: pg_hba.conf has a `hostssl … scram-sha-256` line and no `host` line, so a login without TLS is
//   refused with SQLSTATE 28000 "no pg_hba.conf entry … no encryption", as with rds.force_ssl=1 (the default
//   parameter group of PostgreSQL 15 and later); TLS 1.2 at least, as RDS's default.
// - the server certificate is signed by a test CA and names the instance's endpoint host;
// - password authentication (SCRAM) over TCP only;
// - the master user is not a superuser but a CREATEROLE/CREATEDB member of `rds_superuser`, and owns the database
//   named by the instance's `dbName`, as RDS's master user does. The real superuser (`rdsadmin` on RDS) can only log
//   in over the server's private Unix socket, which the app never sees; the harness uses it for setup alone.
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerCertificate } from "./test-ca";

export const SUPERUSER = "rdsadmin";

export interface RdsPostgresOptions {
  readonly dir: string;
  /** An initialised cluster (createClusterTemplate), copied instead of running initdb per server. */
  readonly template: ClusterTemplate;
  readonly port: number;
  readonly certificate: ServerCertificate;
  readonly masterUsername: string;
  readonly masterPassword: string;
  readonly dbName: string;
}

export interface RdsPostgres {
  readonly port: number;
  /** Runs SQL as the real superuser over the Unix socket (setup and inspection only); returns psql's output. */
  superSql(sql: string, database?: string): string;
  /** The server's log, for failure messages. */
  log(): string;
  stop(): void;
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

/** PostgreSQL refuses to run as root; as root the server runs as the `postgres` user the server package creates. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number.parseInt(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim(), 10);
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error(
      "running as root, PostgreSQL needs the unprivileged `postgres` user (installed with the server package); .ci/run installs it",
    );
  }
}

export interface ClusterTemplate {
  readonly dataDir: string;
}

const runAs =
  (as: RunAs) =>
  (file: string, args: readonly string[], input?: string): string =>
    execFileSync(file, args, {
      ...as,
      input,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      env: { PATH: process.env["PATH"], LC_ALL: "C" },
    });

/** initdb once per test file: each "instance" starts from a copy, which is much cheaper than another initdb. */
export function createClusterTemplate(dir: string): ClusterTemplate {
  const as = serverUser();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (as.uid !== undefined) execFileSync("chown", [`${as.uid}:${as.gid}`, dir]);
  const dataDir = join(dir, "data");
  runAs(as)("initdb", [
    "-D",
    dataDir,
    "-U",
    SUPERUSER,
    "--auth-local=trust",
    "--auth-host=reject",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  return { dataDir };
}

const quoteLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export function startRdsPostgres(opts: RdsPostgresOptions): RdsPostgres {
  const as = serverUser();
  const data = join(opts.dir, "data");
  const socketDir = join(opts.dir, "socket");
  mkdirSync(socketDir, { recursive: true });
  chmodSync(opts.dir, 0o755);
  // The server reads its key as its own user, with no access for anyone else.
  const keyFile = join(opts.dir, "server.key");
  const certFile = join(opts.dir, "server.crt");
  writeFileSync(keyFile, readFileSync(opts.certificate.keyFile), { mode: 0o600 });
  writeFileSync(certFile, readFileSync(opts.certificate.certFile));
  execFileSync("cp", ["-a", opts.template.dataDir, data]);
  if (as.uid !== undefined) execFileSync("chown", ["-R", `${as.uid}:${as.gid}`, opts.dir]);
  const run = runAs(as);
  writeFileSync(
    join(data, "pg_hba.conf"),
    [`local all ${SUPERUSER} trust`, "hostssl all all 127.0.0.1/32 scram-sha-256", ""].join("\n"),
  );
  appendFileSync(
    join(data, "postgresql.conf"),
    [
      "",
      "listen_addresses = '127.0.0.1'",
      `port = ${opts.port}`,
      `unix_socket_directories = '${socketDir}'`,
      "ssl = on",
      `ssl_cert_file = '${certFile}'`,
      `ssl_key_file = '${keyFile}'`,
      "ssl_min_protocol_version = 'TLSv1.2'",
      "password_encryption = 'scram-sha-256'",
      // A test server: durability is not the point, start-up time is.
      "fsync = off",
      "max_connections = 40",
      "shared_buffers = 16MB",
      "",
    ].join("\n"),
  );
  run("pg_ctl", ["-D", data, "-l", join(opts.dir, "server.log"), "-w", "-t", "60", "start"]);

  const superSql = (sql: string, database = "postgres"): string =>
    run(
      "psql",
      [
        "-h",
        socketDir,
        "-p",
        String(opts.port),
        "-U",
        SUPERUSER,
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-X",
        "-q",
        "-At",
      ],
      sql,
    );

  const master = quoteIdent(opts.masterUsername);
  superSql(
    [
      "CREATE ROLE rds_superuser NOLOGIN CREATEROLE CREATEDB;",
      `CREATE ROLE ${master} LOGIN CREATEROLE CREATEDB NOSUPERUSER PASSWORD ${quoteLiteral(opts.masterPassword)} IN ROLE rds_superuser;`,
      `CREATE DATABASE ${quoteIdent(opts.dbName)} OWNER ${master};`,
      "",
    ].join("\n"),
  );

  return {
    port: opts.port,
    superSql,
    log: () => {
      try {
        return readFileSync(join(opts.dir, "server.log"), "utf8");
      } catch {
        return "(no server log)";
      }
    },
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // Already stopped (or never started): nothing to clean up but the folder, which the caller removes.
      }
    },
  };
}
