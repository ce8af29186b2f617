// A tenant's task, run locally: the contract between what the tenant program gives ECS, the load balancer and RDS,
// and what the built app needs to start, answer its health check and write to its database.
//
// For every tier: the tenant program runs under the AWS-faithful simulation (as `synth` does); its secrets go into a
// local Secrets Manager; a throw-away PostgreSQL server is set up as RDS sets up the instance (rds-postgres.ts: TLS
// forced, SCRAM passwords, a non-superuser master in rds_superuser, the database the program names) with a
// certificate for the instance's endpoint host signed by a test CA; the one-off task definitions (the bootstrap
// step, once the program has one) run to completion, then the service's container starts from the image's runtime
// stage reproduced from app/Dockerfile (app/test/support/image.ts) with that task's environment and nothing else
// (local-task.ts lists the mappings: ports, the endpoint host resolved to 127.0.0.1 with its name kept so TLS
// verifies it, the CA bundle's in-image path → the test CA, Secrets Manager → the fake, dummy credentials, PATH).
// It passes only when the target group's health check path answers its matcher and a write through the API reads
// back. Not modelled: ECS scheduling and restarts, the VPC and security groups, IAM (any caller may read any secret).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { parseDockerfile, builtImage, APP_DIR, type RuntimeImage } from "../../app/test/support/image";
import { freePort, type AppProcess } from "../../app/test/support/process";
import { TIER_NAMES, type TierName } from "../../infra/tiers";
import { previewSpec, tenantSpec } from "../infra/fixtures";
import { synthTenant } from "../infra/synth-helpers";
import { startTask, type TaskMapping } from "./local-task";
import { createClusterTemplate, startRdsPostgres, type ClusterTemplate, type RdsPostgres } from "./rds-postgres";
import { startSecretsFake, type SecretsFake } from "./secrets-fake";
import { createTestCa, issueServerCertificate, type TestCa } from "./test-ca";
import {
  matcherAccepts,
  tenantTasks,
  type ContainerDefinition,
  type HealthCheck,
  type TenantTasks,
} from "./tenant-tasks";

/** Only stops a hung run; nothing here measures time. */
const HANG_GUARD_MS = 45_000;
const IMAGE_WORKDIR = "/app";

/** Absolute destinations of the runtime stage's COPY/ADD instructions (remote ADDs cannot be reproduced offline). */
function copyDestinations(): Set<string> {
  const stages = parseDockerfile(readFileSync(join(APP_DIR, "Dockerfile"), "utf8"));
  const runtime = stages[stages.length - 1];
  const out = new Set<string>();
  for (const { op, args } of runtime?.instructions ?? []) {
    if (op !== "COPY" && op !== "ADD") continue;
    const parts = args.split(/\s+/).filter((p) => !p.startsWith("--"));
    const dest = parts[parts.length - 1] ?? "";
    out.add(posix.isAbsolute(dest) ? dest : posix.join(IMAGE_WORKDIR, dest));
  }
  return out;
}

/** Every path, size and mtime under a folder: the run must change none of them (read-only root filesystem). */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      out.push(`${p}:${s.size}:${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

const envOf = (c: ContainerDefinition): Record<string, string> =>
  Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));

async function probe(port: number, path: string): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

/** Polls the health check as the target group would, until it passes, the process exits, or the hang guard trips. */
async function waitHealthy(
  app: AppProcess,
  port: number,
  hc: HealthCheck,
): Promise<{ healthy: boolean; lastStatus: number | undefined }> {
  const deadline = Date.now() + HANG_GUARD_MS;
  let lastStatus: number | undefined;
  while (Date.now() < deadline && app.child.exitCode === null) {
    lastStatus = await probe(port, hc.path);
    if (lastStatus !== undefined && matcherAccepts(hc.matcher, lastStatus)) return { healthy: true, lastStatus };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { healthy: false, lastStatus };
}

const describeRun = (app: AppProcess, server: RdsPostgres): string =>
  `app output:\n${app.lines.join("\n")}\n--- database server log (tail):\n${server.log().split("\n").slice(-15).join("\n")}`;

describe("a tenant's task, run locally against an RDS-like PostgreSQL", () => {
  let image: RuntimeImage;
  let destinations: Set<string>;
  let root: string;
  let ca: TestCa;
  let secrets: SecretsFake;
  let template: ClusterTemplate;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    image = builtImage();
    // Read-only root filesystem: nobody, not even the image's owner, may write into the runtime copy.
    chmodSync(dirname(image.dir), 0o755);
    execFileSync("chmod", ["-R", "a-w", image.dir]);
    destinations = copyDestinations();
    root = mkdtempSync(join(tmpdir(), "task-run-"));
    chmodSync(root, 0o755);
    ca = createTestCa(join(root, "ca"));
    chmodSync(ca.dir, 0o755);
    secrets = await startSecretsFake();
    template = createClusterTemplate(join(root, "template"));
  }, 300_000);

  /** Whether the image has this file: inside WORKDIR, in the reproduced runtime stage; elsewhere, a COPY/ADD destination. */
  const shipsFile = (path: string): boolean =>
    path.startsWith(`${IMAGE_WORKDIR}/`)
      ? existsSync(join(image.dir, path.slice(IMAGE_WORKDIR.length + 1)))
      : destinations.has(path);

  afterEach(() => {
    for (const app of running.splice(0)) app.stop();
  });

  afterAll(async () => {
    await secrets?.close();
    if (image !== undefined) {
      execFileSync("chmod", ["-R", "u+w", image.dir]);
      rmSync(dirname(image.dir), { recursive: true, force: true });
    }
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  describe.each(TIER_NAMES.map((tier) => [tier]))("tier %s", (tier: TierName) => {
    let tasks: TenantTasks;
    let server: RdsPostgres | undefined;
    let dir: string;

    beforeAll(async () => {
      tasks = tenantTasks(await synthTenant(tier === "preview" ? previewSpec() : tenantSpec({ tier })));
      dir = join(root, tier);
      mkdirSync(dir, { mode: 0o755 });
      const db = tasks.database;
      const certificate = issueServerCertificate(ca, join(dir, "cert"), db.host);
      // RDS generates the managed master password and keeps it only in its secret.
      const masterPassword = randomBytes(24).toString("base64url");
      server = startRdsPostgres({
        dir: join(dir, "rds"),
        template,
        port: await freePort(),
        certificate,
        masterUsername: db.masterUsername,
        masterPassword,
        dbName: db.dbName,
      });
      for (const [arn, value] of tasks.secrets) secrets.add(arn, value);
      secrets.add(db.masterSecretArn, JSON.stringify({ username: db.masterUsername, password: masterPassword }));
    }, 120_000);

    afterAll(() => server?.stop());

    const mapping = async (workDir: string): Promise<TaskMapping> => ({
      hosts: { [tasks.database.host]: "127.0.0.1" },
      values: { PORT: String(await freePort()), DB_PORT: String(server?.port) },
      // Every DB_SSL_CA_FILE the task definitions name → the test CA, if the image ships that file; a path the image
      // does not have stays as it is and fails the run, as it would in ECS.
      files: Object.fromEntries(
        [tasks.service, ...tasks.oneOff]
          .flatMap((d) => d.containers)
          .flatMap((c) => envOf(c)["DB_SSL_CA_FILE"] ?? [])
          .filter(shipsFile)
          .map((path) => [path, ca.certFile]),
      ),
      secretsEndpoint: secrets.url,
      workDir,
    });

    let oneOffRuns = 0;
    /**
     * Once per instance, as `up` runs the bootstrap before the service (each test may be run on its own); `again`
     * runs it once more, as an `update`/`upgrade` whose new task definition revision triggers the Invocation.
     */
    const runOneOffTasks = async (again = false): Promise<void> => {
      if (oneOffRuns > 0 && !again) return;
      oneOffRuns += 1;
      for (const definition of tasks.oneOff) {
        for (const container of definition.containers.filter((c) => c.essential !== false)) {
          const workDir = join(dir, `${definition.name}-${container.name}-${oneOffRuns}`);
          mkdirSync(workDir, { recursive: true, mode: 0o755 });
          const task = startTask(image, container, secrets, await mapping(workDir));
          running.push(task.process);
          const code = await task.process.exited;
          if (code !== 0)
            throw new Error(
              `one-off task ${definition.family}/${container.name} exited ${code}\n${describeRun(task.process, server as RdsPostgres)}`,
            );
        }
      }
    };

    it("the task definitions and target group agree with the image: port, the TLS CA file it ships, writable paths on volumes", () => {
      const container = tasks.service.containers.find((c) => c.name === tasks.target.containerName);
      expect(container).toBeDefined();
      const env = envOf(container as ContainerDefinition);
      expect(container?.portMappings?.map((p) => p.containerPort)).toContain(tasks.target.containerPort);
      expect(tasks.targetGroup.port).toBe(tasks.target.containerPort);
      expect(tasks.targetGroup.healthCheck.port).toBe("traffic-port");
      expect(env["PORT"]).toBe(String(tasks.target.containerPort));
      // RDS for PostgreSQL 15+ forces TLS by default; without a CA file the app connects in plain text and is refused.
      const caFile = env["DB_SSL_CA_FILE"];
      if (caFile === undefined) {
        throw new Error(
          "the service's task definition sets no DB_SSL_CA_FILE: the app would connect without TLS, which RDS (rds.force_ssl=1) refuses",
        );
      }
      for (const definition of [tasks.service, ...tasks.oneOff]) {
        for (const c of definition.containers) {
          const cEnv = envOf(c);
          // A file the image really ships (an RDS CA bundle), which the local run then replaces by the test CA.
          const bundle = cEnv["DB_SSL_CA_FILE"];
          expect(
            `${definition.family}/${c.name} DB_SSL_CA_FILE=${bundle}: shipped ${bundle !== undefined && shipsFile(bundle)}`,
          ).toBe(`${definition.family}/${c.name} DB_SSL_CA_FILE=${caFile}: shipped true`);
          if (caFile.startsWith(`${IMAGE_WORKDIR}/`))
            expect(readFileSync(join(image.dir, caFile.slice(IMAGE_WORKDIR.length + 1)), "utf8")).toContain(
              "-----BEGIN CERTIFICATE-----",
            );
          // Read-only root filesystem: everything the app may write (HOME, TMPDIR) lies on a volume of the task.
          expect(c.readonlyRootFilesystem).toBe(true);
          const mounts = c.mountPoints ?? [];
          for (const m of mounts) expect(definition.volumes.map((v) => v.name)).toContain(m.sourceVolume);
          for (const key of ["HOME", "TMPDIR"]) {
            const path = cEnv[key] ?? image.env[key];
            if (path !== undefined)
              expect(
                `${key}=${path} on a volume: ${mounts.some((m) => path === m.containerPath || path.startsWith(`${m.containerPath}/`))}`,
              ).toBe(`${key}=${path} on a volume: true`);
          }
        }
      }
    });

    it("the RDS-like server refuses a login without TLS (28000, no encryption) and accepts the master user over verified TLS", () => {
      const db = tasks.database;
      const password = (JSON.parse(secrets.get(db.masterSecretArn)?.value ?? "{}") as { password: string }).password;
      const psql = (conninfo: string) =>
        execFileSync(
          "psql",
          [
            conninfo,
            "-X",
            "-At",
            "-c",
            "SELECT current_user || ' ' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
          ],
          {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: { PATH: process.env["PATH"], PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" },
          },
        );
      const at = `hostaddr=127.0.0.1 port=${server?.port} user=${db.masterUsername} dbname=${db.dbName}`;
      expect(() => psql(`${at} sslmode=disable`)).toThrow(/no pg_hba\.conf entry .* no encryption/);
      expect(psql(`${at} host=${db.host} sslmode=verify-full sslrootcert=${ca.certFile}`).trim()).toBe(
        `${db.masterUsername} true`,
      );
      expect(
        server
          ?.superSql(
            `SELECT rolsuper, rolcreaterole, pg_has_role('${db.masterUsername}', 'rds_superuser', 'member') FROM pg_roles WHERE rolname = '${db.masterUsername}'`,
          )
          .trim(),
      ).toBe("f|t|t");
    });

    it("runs the bootstrap step, then the service: its health check path answers healthy and a write through the API reads back", async () => {
      const container = tasks.service.containers.find(
        (c) => c.name === tasks.target.containerName,
      ) as ContainerDefinition;
      if (envOf(container)["DB_SSL_CA_FILE"] === undefined) {
        throw new Error(
          "the service's task definition sets no DB_SSL_CA_FILE: the app would connect without TLS, which RDS (rds.force_ssl=1) refuses",
        );
      }
      await runOneOffTasks();
      const before = snapshot(image.dir);
      const workDir = join(dir, "service");
      mkdirSync(workDir, { recursive: true, mode: 0o755 });
      const callsBefore = secrets.calls.length;
      const task = startTask(image, container, secrets, await mapping(workDir));
      running.push(task.process);
      const port = Number(task.environment.env["PORT"]);
      const hc = tasks.targetGroup.healthCheck;

      const health = await waitHealthy(task.process, port, hc);
      if (!health.healthy)
        throw new Error(
          `GET ${hc.path} never answered ${hc.matcher} (last: ${health.lastStatus ?? "no answer"})\n${describeRun(task.process, server as RdsPostgres)}`,
        );

      // Only what the mapping documents was added; nothing from this test process's environment.
      expect([...task.environment.added].sort()).toEqual([
        "AWS_ACCESS_KEY_ID",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
        "AWS_SECRET_ACCESS_KEY",
        "NODE_OPTIONS",
        "PATH",
      ]);
      expect(Object.keys(task.environment.replaced).sort()).toEqual(["DB_PORT", "DB_SSL_CA_FILE", "PORT"]);
      if (task.ranAs !== undefined) {
        const status = readFileSync(`/proc/${task.process.child.pid}/status`, "utf8");
        expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(String(task.ranAs.uid));
      }

      const env = task.environment.env;
      const token = secrets.get(env["ADMIN_TOKEN_SECRET_ARN"] ?? "")?.value;
      expect(token).toBeDefined();
      const name = `Task-run ${tier} ${randomBytes(3).toString("hex")}`;
      const created = await fetch(`http://127.0.0.1:${port}/api/items`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      expect(created.status).toBe(201);
      const item = (await created.json()) as { id: number; name: string };
      const read = await fetch(`http://127.0.0.1:${port}/api/items/${item.id}`);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { name: string }).name).toBe(name);
      expect(await probe(port, "/readyz")).toBe(200);

      // The service's own login is over TLS, as the server sees it.
      const sessions = (
        server?.superSql(
          `SELECT DISTINCT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = '${tasks.database.dbName}' AND a.client_addr IS NOT NULL`,
        ) ?? ""
      )
        .split("\n")
        .filter((l) => l !== "");
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.filter((l) => !l.endsWith("|t"))).toEqual([]);
      // Least privilege: a bootstrap step made the app's own role; the service logs in as it, never as the master,
      // and never reads the master secret.
      expect(tasks.oneOff.map((d) => d.family)).toHaveLength(1);
      const logins = [...new Set(sessions.map((l) => l.split("|")[0] ?? ""))];
      expect(logins).toHaveLength(1);
      const appRole = logins[0] ?? "";
      expect(appRole).not.toBe(tasks.database.masterUsername);
      // superuser, CREATEROLE, CREATEDB, member of rds_superuser: none of them.
      expect(
        server
          ?.superSql(
            `SELECT rolsuper, rolcreaterole, rolcreatedb, pg_has_role(rolname, 'rds_superuser', 'member') FROM pg_roles WHERE rolname = '${appRole}'`,
          )
          .trim(),
      ).toBe("f|f|f|f");
      // It is one of two login roles; the tables belong to the role both are members of, which cannot log in.
      const owner = envOf(tasks.oneOff[0]?.containers[0] as ContainerDefinition)["DB_APP_USERNAME"] ?? "";
      expect([`${owner}_a`, `${owner}_b`]).toContain(appRole);
      expect(
        server
          ?.superSql(
            `SELECT rolcanlogin, pg_has_role('${appRole}', rolname, 'member') FROM pg_roles WHERE rolname = '${owner}'`,
          )
          .trim(),
      ).toBe("f|t");
      expect(
        server
          ?.superSql(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
            tasks.database.dbName,
          )
          .trim(),
      ).toBe(owner);
      expect(secrets.calls.slice(callsBefore).map((c) => c.secretId)).not.toContain(tasks.database.masterSecretArn);
      expect(snapshot(image.dir)).toEqual(before);
    });

    it("bootstrap re-runs alternate the login roles: a running task keeps serving writes through them, no request fails", async () => {
      await runOneOffTasks();
      const container = tasks.service.containers.find(
        (c) => c.name === tasks.target.containerName,
      ) as ContainerDefinition;
      const workDir = join(dir, "service-rotation");
      mkdirSync(workDir, { recursive: true, mode: 0o755 });
      const task = startTask(image, container, secrets, await mapping(workDir));
      running.push(task.process);
      const port = Number(task.environment.env["PORT"]);
      const health = await waitHealthy(task.process, port, tasks.targetGroup.healthCheck);
      if (!health.healthy)
        throw new Error(`the service never became healthy\n${describeRun(task.process, server as RdsPostgres)}`);
      const token = secrets.get(task.environment.env["ADMIN_TOKEN_SECRET_ARN"] ?? "")?.value ?? "";
      const write = async (name: string): Promise<{ status: number; id?: number }> => {
        const res = await fetch(`http://127.0.0.1:${port}/api/items`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ name }),
        });
        return {
          status: res.status,
          ...(res.status === 201 ? { id: ((await res.json()) as { id: number }).id } : { body: await res.text() }),
        };
      };
      const kept = await write(`before the re-runs ${tier}`);
      expect(kept.status).toBe(201);
      const appSecretArn = task.environment.env["DB_SECRET_ARN"] ?? "";
      const loginInSecret = () =>
        (JSON.parse(secrets.get(appSecretArn)?.value ?? "{}") as { username?: string }).username ?? "";
      const inUse = loginInSecret();
      const logged = (text: string) => task.process.lines.filter((l) => l.includes(text)).length;
      const until = async (done: () => boolean, what: string) => {
        const deadline = Date.now() + HANG_GUARD_MS;
        while (!done()) {
          if (Date.now() > deadline || task.process.child.exitCode !== null)
            throw new Error(`never: ${what}\n${describeRun(task.process, server as RdsPostgres)}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      // The next request logs in afresh: end the task's idle sessions of `role` and wait until its pool has dropped
      // them (it logs each), so no request meets a connection it has not yet seen die.
      const forceNewLogin = async (role: string) => {
        const seen = logged("idle database connection failed");
        const ended = Number(
          server
            ?.superSql(
              `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '${role}' AND datname = '${tasks.database.dbName}' AND state = 'idle'`,
            )
            .trim(),
        );
        await until(
          () => logged("idle database connection failed") >= seen + ended,
          `the task's pool dropping ${ended} ended session(s)`,
        );
      };

      // Writes, each on a new login as the role in use, before, during and after a re-run.
      const statuses: number[] = [];
      let bootstrapping = false;
      let duringBootstrap = 0;
      let stop = false;
      const writer = (async () => {
        for (let i = 0; !stop; i += 1) {
          await forceNewLogin(inUse);
          const during = bootstrapping;
          const result = await write(`re-run ${tier} ${i}`);
          statuses.push(result.status);
          if (during && bootstrapping) duringBootstrap += 1;
        }
      })();
      await until(() => statuses.length >= 2, "two writes before the re-run");
      bootstrapping = true;
      await runOneOffTasks(true);
      bootstrapping = false;
      const afterRerun = statuses.length;
      await until(() => statuses.length >= afterRerun + 3, "three writes after the re-run");
      stop = true;
      await writer;
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      expect(duringBootstrap).toBeGreaterThan(0);
      // The re-run rotated the other login role and pointed the secret at it; the one in use was never refused.
      expect(loginInSecret()).not.toBe(inUse);
      expect(logged("database login failed")).toBe(0);

      // The next re-run rotates the role the task still uses: its next login is refused once, it re-reads the
      // secret (which names the other role, whose password is unchanged) and the request succeeds.
      await runOneOffTasks(true);
      expect(loginInSecret()).toBe(inUse);
      await forceNewLogin(inUse);
      const afterSecond = await write(`after the second re-run ${tier}`);
      if (afterSecond.status !== 201)
        throw new Error(
          `after the second re-run: ${JSON.stringify(afterSecond)}\n${describeRun(task.process, server as RdsPostgres)}`,
        );
      expect(logged("re-reading the credentials secret")).toBe(1);
      expect(task.process.child.exitCode).toBeNull();
      expect((await fetch(`http://127.0.0.1:${port}/api/items/${kept.id}`)).status).toBe(200);
    });

    it("negative control: without the CA file (no TLS) the login is refused and the task never becomes ready", async () => {
      const container = tasks.service.containers.find(
        (c) => c.name === tasks.target.containerName,
      ) as ContainerDefinition;
      await runOneOffTasks();
      const plain: ContainerDefinition = {
        ...container,
        environment: (container.environment ?? []).filter((e) => e.name !== "DB_SSL_CA_FILE"),
      };
      const workDir = join(dir, "service-no-tls");
      mkdirSync(workDir, { recursive: true, mode: 0o755 });
      const logBefore = server?.log().length ?? 0;
      const task = startTask(image, plain, secrets, await mapping(workDir));
      running.push(task.process);
      const port = Number(task.environment.env["PORT"]);
      // Either the app gives up (today: migrations at start) or it listens and must then report not ready.
      await Promise.race([task.process.exited, task.process.waitForLine('"msg":"listening"').catch(() => undefined)]);
      const refused = (server?.log() ?? "").slice(logBefore);
      expect(refused).toMatch(
        /no pg_hba\.conf entry for host "127\.0\.0\.1", user "[^"]+", database "[^"]+", no encryption/,
      );
      if (task.process.child.exitCode === null) {
        expect(await probe(port, "/readyz")).toBe(503);
        const status = await probe(port, tasks.targetGroup.healthCheck.path);
        expect(status !== undefined && matcherAccepts(tasks.targetGroup.healthCheck.matcher, status)).toBe(false);
      } else {
        expect(task.process.child.exitCode).not.toBe(0);
      }
    });
  });
});
