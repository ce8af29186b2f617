/**
 * One runner process for test/fleet/runner/multi-process.test.ts and bench/fleet-runners.ts: the real runner loop
 * (cli/fleet/runner/runner.ts) and the real record stores, with the tenant's upgrade replaced by a stand-in that
 * behaves like `pulumi up` where it matters here: it takes the stack's lock in the backend's `.pulumi/locks` folder
 * (refusing a locked stack, as Pulumi does), works for `workMs`, and releases the lock. Every start and end is
 * appended to a shared journal, and running a tenant that another live process is running is written to a
 * violations file, so the tests can check "never two at once" and "exactly once" from outside.
 * Settings come as JSON in FLEET_RUNNER (see RunnerSettings); the summary is printed as JSON on stdout at the end.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { FileRecordStore, type RecordStore } from "../../cli/store/records";
import { S3RecordStore } from "../../cli/store/records-s3";
import { parseS3BackendUrl } from "../../cli/store/s3-url";
import { FleetRecords } from "../../cli/fleet/runner/fleet-records";
import { runRunner, type TenantResult } from "../../cli/fleet/runner/runner";
import { clearExpiredHoldersLock } from "../../cli/fleet/runner/stack-lock-clear";

export interface RunnerSettings {
  /** A file store's folder (records in `<dir>/.tenantctl`, locks in `<dir>/.pulumi`) or an s3:// URL of the fake. */
  readonly backend: string;
  readonly env: string;
  readonly id: string;
  readonly runner: string;
  readonly concurrency: number;
  readonly ttlMs: number;
  readonly pollMs: number;
  readonly workMs: number;
  /** Tenants whose upgrade fails (every epoch unless failEpochs says which). */
  readonly fail?: readonly string[];
  readonly failEpochs?: readonly number[];
  /** Local folder for the journal, the violations file and the in-progress markers. */
  readonly scratch: string;
}

const settings = JSON.parse(process.env.FLEET_RUNNER ?? "{}") as RunnerSettings;
const FAKE_CLIENT = { credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret-value" }, maxAttempts: 1 };

function stores(): { records: RecordStore; pulumi: RecordStore } {
  if (settings.backend.startsWith("s3://")) {
    const url = parseS3BackendUrl(settings.backend);
    return {
      records: new S3RecordStore(url, { client: FAKE_CLIENT }),
      pulumi: new S3RecordStore(url, { root: ".pulumi", client: FAKE_CLIENT }),
    };
  }
  return {
    records: new FileRecordStore(join(settings.backend, ".tenantctl")),
    pulumi: new FileRecordStore(join(settings.backend, ".pulumi")),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const journal = (line: string): void => appendFileSync(join(settings.scratch, "journal.log"), `${line}\n`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An in-progress marker per tenant: finding one of a live process means two runners at once. */
function enter(slug: string): void {
  const marker = join(settings.scratch, "active", slug);
  mkdirSync(join(settings.scratch, "active"), { recursive: true });
  try {
    closeSync(openSync(marker, "wx"));
  } catch {
    const holder = Number(readFileSync(marker, "utf8") || "0");
    if (holder !== 0 && holder !== process.pid && alive(holder))
      appendFileSync(
        join(settings.scratch, "violations.log"),
        `${slug} run by ${process.pid} while ${holder} runs it\n`,
      );
  }
  writeFileSync(marker, String(process.pid));
}

async function upgrade(pulumi: RecordStore, slug: string, epoch: number): Promise<TenantResult> {
  const dir = `locks/organization/tenantctl-tenants/dev-${slug}`;
  const existing = (await pulumi.list(dir)).filter((n) => n.endsWith(".json"));
  if (existing.length > 0)
    return { status: "failed", error: `the stack is currently locked by ${existing.length} lock(s)`, exitCode: 4 };
  const lock = `${dir}/${Date.now()}-${randomUUID()}.json`;
  await pulumi.writeJson(lock, {
    pid: process.pid,
    username: userInfo().username,
    hostname: hostname(),
    timestamp: new Date().toISOString(),
  });
  enter(slug);
  journal(`start ${slug} ${settings.runner} ${process.pid} ${epoch}`);
  await sleep(settings.workMs);
  const fails =
    (settings.fail ?? []).includes(slug) && (settings.failEpochs === undefined || settings.failEpochs.includes(epoch));
  journal(`end ${slug} ${settings.runner} ${process.pid} ${epoch} ${fails ? "failed" : "upgraded"}`);
  rmSync(join(settings.scratch, "active", slug), { force: true });
  await pulumi.remove(lock);
  return fails
    ? { status: "failed", error: `injected failure of ${slug}` }
    : { status: "upgraded", previousImage: "img:1" };
}

async function main(): Promise<void> {
  const { records, pulumi } = stores();
  const fleet = new FleetRecords(records, settings.env, settings.id);
  const plan = await fleet.readPlan();
  if (plan === undefined) throw new Error(`no plan for ${settings.id}`);
  let stop = false;
  process.on("SIGINT", () => {
    stop = true;
  });
  const summary = await runRunner({
    records: fleet,
    plan,
    runner: settings.runner,
    host: hostname(),
    pid: process.pid,
    concurrency: settings.concurrency,
    ttlMs: settings.ttlMs,
    pollMs: settings.pollMs,
    now: () => new Date(),
    log: (line) => process.stderr.write(`[${settings.runner}] ${line}\n`),
    stopRequested: () => stop,
    upgrade: (slug, lease) => upgrade(pulumi, slug, lease.epoch),
    takeOver: (slug, expired) =>
      clearExpiredHoldersLock(pulumi, { project: "tenantctl-tenants", stack: `dev-${slug}` }, expired, (l) =>
        journal(`cleared ${slug} ${l.content.pid ?? "?"} by ${settings.runner}`),
      ),
  });
  process.stdout.write(
    `${JSON.stringify({ runner: settings.runner, stopped: summary.stopped, reason: summary.reason ?? null, finished: summary.finished, tookOver: summary.tookOver })}\n`,
  );
  for (const store of [records, pulumi]) if (store instanceof S3RecordStore) await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
