/** The pure parts of the engine path's recovery: the passphrase check, stale locks, pending operations → steps. */
import type { Deployment } from "@pulumi/pulumi/automation";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { Crypter } from "../support/standin/backend/crypto";
import { engineDeathError, importCommand, pendingResources } from "../../cli/orchestration/engine-recovery";
import { lockIsStale } from "../../cli/store/locks";
import { passphraseOpens } from "../../cli/orchestration/passphrase";

const PARENT = "urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:tenant:TenantDatabase::acme";

function deployment(pending: unknown[]): Deployment {
  return { version: 3, deployment: { manifest: {}, resources: [], pending_operations: pending } };
}

describe("passphraseOpens (Pulumi's v1 passphrase salt state)", () => {
  it("opens a salt made with the same passphrase and refuses another one", async () => {
    const { salt } = Crypter.create("right");
    await expect(passphraseOpens("right", salt)).resolves.toBe(true);
    await expect(passphraseOpens("wrong", salt)).resolves.toBe(false);
  });
});

describe("lockIsStale", () => {
  it("is stale only for a pid that is gone on this host", () => {
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
    expect(lockIsStale({ who: `u@${hostname()}`, pid: gone, since: undefined, file: undefined }, hostname())).toBe(
      true,
    );
    expect(
      lockIsStale({ who: `u@${hostname()}`, pid: process.pid, since: undefined, file: undefined }, hostname()),
    ).toBe(false);
    expect(lockIsStale({ who: "u@another-host", pid: gone, since: undefined, file: undefined }, hostname())).toBe(
      false,
    );
  });
});

describe("pending operations → recovery", () => {
  const rds = {
    type: "creating",
    resource: {
      urn: `urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:tenant:TenantDatabase$aws:rds/instance:Instance::acme-db`,
      type: "aws:rds/instance:Instance",
      parent: PARENT,
      inputs: { identifier: "acme-db1234567" },
    },
  };
  const sg = {
    type: "creating",
    resource: {
      urn: `urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:tenant:TenantDatabase$aws:ec2/securityGroup:SecurityGroup::acme-db-sg`,
      type: "aws:ec2/securityGroup:SecurityGroup",
      parent: PARENT,
      inputs: { name: "acme-db-sg-1a2b3c4" },
    },
  };
  const upd = {
    type: "updating",
    resource: {
      urn: "urn:pulumi:dev-acme::tenantctl-tenants::aws:iam/role:Role::acme-task",
      type: "aws:iam/role:Role",
      id: "acme-task-1",
      inputs: {},
    },
  };

  it("reads type, name, physical name and the import id @pulumi/aws documents for the type", () => {
    expect(pendingResources(deployment([rds, sg]))).toEqual([
      expect.objectContaining({
        type: "aws:rds/instance:Instance",
        name: "acme-db",
        operation: "creating",
        physicalName: "acme-db1234567",
        importId: "acme-db1234567",
      }),
      expect.objectContaining({
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "acme-db-sg",
        physicalName: "acme-db-sg-1a2b3c4",
        importId: undefined,
      }),
    ]);
  });

  it("builds the import under the same parent, and a placeholder where AWS assigns the id", () => {
    const [r, s] = pendingResources(deployment([rds, sg]));
    expect(importCommand("dev-acme", r!)).toBe(
      `pulumi import aws:rds/instance:Instance acme-db acme-db1234567 --parent parent=${PARENT} --stack dev-acme --protect=false --generate-code=false --yes`,
    );
    expect(importCommand("dev-acme", s!)).toContain("<its id in AWS: look up acme-db-sg-1a2b3c4>");
  });

  it("orders the steps: lock, each resource being created, rerun; updates in flight only counted", () => {
    const error = engineDeathError({
      project: "tenantctl-tenants",
      stack: "dev-acme",
      fileRoot: "/b",
      retry: "tenantctl provision tenant acme",
      env: {},
      cwd: "/w",
      how: "killed by SIGKILL",
      lockHolder: { who: "u@another-host", pid: 1, since: "t", file: undefined },
      pending: pendingResources(deployment([rds, upd])),
    });
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      "the engine was killed by SIGKILL during the operation on dev-acme: the stack is left locked; 1 resource(s) may exist in AWS without being in its state; 1 other operation(s) were in flight (updating acme-task; the rerun settles them)",
    );
    const steps = (error.hint ?? "").split("\n");
    expect(steps).toHaveLength(3);
    expect(steps[0]).toMatch(
      /^1\. once u@another-host \(pid 1\) since t has ended, release its lock: \(cd .* && pulumi cancel --yes --stack dev-acme\)$/,
    );
    expect(steps[1]).toMatch(
      /^2\. aws:rds\/instance:Instance acme-db \(in AWS: acme-db1234567\) .*pulumi import aws:rds\/instance:Instance acme-db acme-db1234567 /,
    );
    expect(steps[2]).toBe("3. rerun: tenantctl provision tenant acme");
  });
});
