/**
 * The AWS smoke run (docs/smoke.md): shared up in a throw-away env, provision one tenant, wait for `/readyz` over
 * HTTPS, write and read one item through the API, tear the tenant down, check its final snapshot, then remove
 * everything it created. Every step that touches AWS or the network is injected (`SmokeDeps`), so `npm test` runs this
 * same orchestration against the stand-in `pulumi` and fakes (test/cli/smoke-orchestration.test.ts), and
 * `npm run test:aws` against a real account (test/aws/smoke.aws.test.ts). Cleanup runs whatever happened before.
 */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface SmokeDeps {
  /** The built `tenantctl` with the account's backend, passphrase and credentials in its environment. */
  tenantctl(args: readonly string[]): Promise<CliResult>;
  /** An HTTPS request to the tenant's URL (certificate verified). */
  https(method: "GET" | "POST", url: string, options?: { body?: unknown; token?: string }): Promise<HttpAnswer>;
  /** The tenant's admin token, from its secret (provision prints the command that reads it). */
  adminToken(slug: string, env: string): Promise<string>;
  snapshotExists(identifier: string): Promise<boolean>;
  deleteSnapshot(identifier: string): Promise<void>;
  /** Removes what teardown archived (the tenant's state archive in the backend). */
  removeArchive(location: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  log(line: string): void;
}

export interface SmokeOptions {
  /** A throw-away env name (2-12 lowercase letters and digits), e.g. `smk` + 6 random characters. */
  readonly env: string;
  readonly slug: string;
  /** Extra `--config key=value` for shared up (baseDomain, hostedZoneId, …). */
  readonly sharedConfig: readonly string[];
  readonly readyTimeoutMs: number;
  readonly pollMs: number;
}

export interface SmokeStep {
  readonly step: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
}

export interface SmokeReport {
  readonly ok: boolean;
  readonly steps: readonly SmokeStep[];
  /** What could not be removed: the manual clean-up of docs/smoke.md names each kind. */
  readonly leftovers: readonly string[];
}

class StepFailed extends Error {}

function parse<T>(r: CliResult, what: string): T {
  if (r.code !== 0)
    throw new StepFailed(`${what} exited ${String(r.code)}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(r.stdout) as T;
}

export async function runSmoke(deps: SmokeDeps, o: SmokeOptions): Promise<SmokeReport> {
  const steps: SmokeStep[] = [];
  const leftovers: string[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      const value = await fn();
      steps.push({ step: name, ok: true, ms: Date.now() - started });
      deps.log(`ok   ${name}`);
      return value;
    } catch (error: unknown) {
      const detail = error instanceof Error ? error.message : String(error);
      steps.push({ step: name, ok: false, ms: Date.now() - started, detail });
      deps.log(`FAIL ${name}: ${detail}`);
      throw error;
    }
  };
  const envFlags = ["--env", o.env];
  let sharedCreated = false;
  let tenantProvisioned = false;
  let tornDown: { finalSnapshotIdentifier: string | null; archive: string } | undefined;
  try {
    await step("shared up", async () => {
      sharedCreated = true; // even a failed up may have created resources
      parse(
        await deps.tenantctl([
          "shared",
          "up",
          ...envFlags,
          ...o.sharedConfig.flatMap((c) => ["--config", c]),
          "--json",
        ]),
        "shared up",
      );
    });
    const url = await step("provision tenant", async () => {
      tenantProvisioned = true;
      const doc = parse<{ url: string }>(
        await deps.tenantctl([
          "provision",
          "tenant",
          o.slug,
          ...envFlags,
          "--tier",
          "basic",
          "--display-name",
          "Smoke test",
          "--json",
        ]),
        "provision",
      );
      return doc.url;
    });
    await step("/readyz answers 200 over HTTPS", async () => {
      const deadline = Date.now() + o.readyTimeoutMs;
      let last = "no answer";
      for (;;) {
        try {
          const r = await deps.https("GET", `${url}/readyz`);
          if (r.status === 200) return;
          last = `HTTP ${r.status}`;
        } catch (error: unknown) {
          last = error instanceof Error ? error.message : String(error);
        }
        if (Date.now() >= deadline)
          throw new StepFailed(`${url}/readyz not ready after ${o.readyTimeoutMs} ms (last: ${last})`);
        await deps.sleep(o.pollMs);
      }
    });
    await step("write and read one item through the API", async () => {
      const token = await deps.adminToken(o.slug, o.env);
      const name = `smoke-${o.env}-${Date.now()}`;
      const created = await deps.https("POST", `${url}/api/items`, { token, body: { name } });
      if (created.status !== 201)
        throw new StepFailed(`POST /api/items answered ${created.status}: ${created.body.slice(0, 200)}`);
      const id = (JSON.parse(created.body) as { id?: unknown }).id;
      const read = await deps.https("GET", `${url}/api/items/${String(id)}`);
      if (read.status !== 200 || (JSON.parse(read.body) as { name?: unknown }).name !== name) {
        throw new StepFailed(`GET /api/items/${String(id)} answered ${read.status}: ${read.body.slice(0, 200)}`);
      }
    });
    tornDown = await step("teardown tenant", async () => {
      const doc = parse<{ finalSnapshotIdentifier: string | null; archive: string }>(
        await deps.tenantctl(["teardown", "tenant", o.slug, ...envFlags, "--yes", "--force-delete-secrets", "--json"]),
        "teardown",
      );
      tenantProvisioned = false;
      return doc;
    });
    await step("final snapshot exists", async () => {
      const id = tornDown?.finalSnapshotIdentifier;
      if (id === null || id === undefined) throw new StepFailed("teardown reported no final snapshot");
      if (!(await deps.snapshotExists(id))) throw new StepFailed(`final snapshot ${id} does not exist`);
    });
  } catch {
    // The failed step is in `steps` with its reason; what it created is removed below.
  } finally {
    await cleanup();
  }
  return { ok: steps.every((s) => s.ok) && leftovers.length === 0, steps, leftovers };

  async function cleanup(): Promise<void> {
    const attempt = async (name: string, leftover: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await step(name, fn);
      } catch {
        leftovers.push(leftover);
      }
    };
    if (tenantProvisioned) {
      await attempt("cleanup: teardown tenant", `tenant ${o.slug} in env ${o.env}`, async () => {
        const r = await deps.tenantctl([
          "teardown",
          "tenant",
          o.slug,
          ...envFlags,
          "--yes",
          "--force-delete-secrets",
          "--json",
        ]);
        // Exit 3: the provision failed before its stack existed, so there is nothing to tear down.
        if (r.code !== 3) tornDown = parse(r, "teardown");
      });
    }
    const snapshot = tornDown?.finalSnapshotIdentifier;
    if (snapshot !== null && snapshot !== undefined) {
      await attempt("cleanup: delete final snapshot", `DB snapshot ${snapshot}`, () => deps.deleteSnapshot(snapshot));
    }
    const archive = tornDown?.archive;
    if (archive !== undefined)
      await attempt("cleanup: remove state archive", `state archive ${archive}`, () => deps.removeArchive(archive));
    if (sharedCreated) {
      await attempt("cleanup: shared down", `shared stack ${o.env}`, async () => {
        parse(
          await deps.tenantctl([
            "shared",
            "down",
            ...envFlags,
            "--yes",
            ...o.sharedConfig.flatMap((c) => ["--config", c]),
            "--json",
          ]),
          "shared down",
        );
      });
    }
  }
}
