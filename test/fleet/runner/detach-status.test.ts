/**
 * --detach, --status and --resume --detach in-process over a file backend whose tenant index is written by hand (no
 * engine is needed for these three): what each records and prints, the epoch a resume opens, the refusals (a second
 * rollout while this one is live, a plain --resume of a distributed rollout) and that --status writes nothing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FleetRecords } from "../../../cli/fleet/runner/fleet-records";
import { FileRecordStore } from "../../../cli/store/records";
import { treeHash } from "../../cli/support/e2e";
import { runInProcess, tempDir } from "../../cli/support/memory-io";

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:2.0.0";
const slugs = ["acme", "beta", "cora", "dune"];

function backend(): { env: NodeJS.ProcessEnv; root: string; store: FileRecordStore } {
  const root = tempDir("tenantctl-detach-");
  const index = join(root, ".tenantctl", "index", "tenantctl-tenants");
  mkdirSync(index, { recursive: true });
  slugs.forEach((slug, i) => {
    const spec = {
      slug,
      displayName: slug,
      env: "dev",
      tier: "basic",
      skin: { primaryColor: "#1a73e8" },
      image: "img:1",
      listenerPriority: 100 + i,
      loadBalancer: "alb-0",
      generation: 1,
    };
    const at = new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString();
    writeFileSync(
      join(index, `dev-${slug}.json`),
      JSON.stringify({
        slug,
        env: "dev",
        project: "tenantctl-tenants",
        stack: `dev-${slug}`,
        tier: "basic",
        displayName: slug,
        image: "img:1",
        url: `https://${slug}.dev.example.com`,
        listenerPriority: 100 + i,
        lastOperation: "provision",
        status: "succeeded",
        resourceCount: 22,
        createdAt: at,
        updatedAt: at,
        spec,
      }),
    );
  });
  return {
    env: { PATH: process.env.PATH, PULUMI_BACKEND_URL: `file://${root}` },
    root,
    store: new FileRecordStore(join(root, ".tenantctl")),
  };
}

it("records the plan and epoch 0, reports it, refuses a second rollout, and resumes as epoch 1", async () => {
  const b = backend();
  const created = await runInProcess(
    ["upgrade", "tenants", "--image", IMAGE, "--waves", "1,100%", "--max-failures", "1", "--detach", "--json"],
    { env: b.env },
  );
  expect(created.code).toBe(0);
  const doc = JSON.parse(created.stdout) as { rolloutId: string; tenants: number; waves: number; join: string };
  expect(doc).toMatchObject({
    tenants: 4,
    waves: 2,
    join: `tenantctl upgrade tenants --env dev --join ${doc.rolloutId}`,
  });
  const fleet = new FleetRecords(b.store, "dev", doc.rolloutId);
  expect((await fleet.readPlan())?.waves).toEqual([["acme"], ["beta", "cora", "dune"]]);
  expect(await fleet.latestEpoch()).toMatchObject({ epoch: 0, maxFailures: { kind: "count", value: 1 } });

  const before = treeHash(b.root);
  const status = await runInProcess(["upgrade", "tenants", "--status", doc.rolloutId, "--json"], { env: b.env });
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({
    rollout: doc.rolloutId,
    status: "running",
    epoch: 0,
    runners: [],
    leases: [],
    counts: { pending: 4 },
  });
  expect(treeHash(b.root)).toBe(before);

  const second = await runInProcess(["upgrade", "tenants", "--image", IMAGE, "--detach"], { env: b.env });
  expect(second.code).toBe(4);
  expect(second.stderr).toMatch(new RegExp(`rollout ${doc.rolloutId} .* is still running`));

  const plain = await runInProcess(["upgrade", "tenants", "--resume", doc.rolloutId], { env: b.env });
  expect(plain.code).toBe(2);
  expect(plain.errLines).toEqual([
    expect.stringMatching(/^error: rollout .* was created with --detach .*--resume .* --detach to retry its failures/),
  ]);

  const resumed = await runInProcess(
    ["upgrade", "tenants", "--resume", doc.rolloutId, "--detach", "--max-failures", "2", "--json"],
    { env: b.env },
  );
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ rolloutId: doc.rolloutId, epoch: 1 });
  expect(await fleet.latestEpoch()).toMatchObject({
    epoch: 1,
    maxFailures: { kind: "count", value: 2 },
    health: "probe",
  });
});

it("will not resume a rollout that completed with every tenant upgraded", async () => {
  const b = backend();
  const created = JSON.parse(
    (
      await runInProcess(["upgrade", "tenants", "--image", IMAGE, "--waves", "100%", "--detach", "--json"], {
        env: b.env,
      })
    ).stdout,
  ) as { rolloutId: string };
  const fleet = new FleetRecords(b.store, "dev", created.rolloutId);
  const at = new Date().toISOString();
  for (const slug of slugs)
    await fleet.recordOutcome({
      slug,
      epoch: 0,
      status: "upgraded",
      runner: "r",
      generation: 0,
      startedAt: at,
      finishedAt: at,
    });
  const resumed = await runInProcess(["upgrade", "tenants", "--resume", created.rolloutId, "--detach"], { env: b.env });
  expect(resumed.code).toBe(4);
  expect(resumed.stderr).toMatch(/already completed with every tenant upgraded/);
  expect(await fleet.latestEpoch()).toMatchObject({ epoch: 0 });
});

it("refuses --status of an unknown rollout with exit 3", async () => {
  const b = backend();
  const run = await runInProcess(["upgrade", "tenants", "--status", "2026-01-01T00-00-00-000Z-000000"], { env: b.env });
  expect(run.code).toBe(3);
  expect(run.errLines[0]).toMatch(/^error: no distributed rollout 2026-01-01T00-00-00-000Z-000000 in env dev$/);
});
