import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { accountResources } from "../support/standin-account";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

/** The whole failure text: stderr's error line and the diagnostics the display printed on stdout. */
async function failureOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error("expected the call to fail");
  return String((err as Error).message);
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error("expected the call to fail");
  return [
    ...new Set(
      String((err as Error).message)
        .split("\n")
        .filter((l) => l.startsWith("error: ")),
    ),
  ].join("\n");
}

const LOG = "aws:cloudwatch/logGroup:LogGroup";
const urn = (stack: string, project: string, name: string, type = LOG): string =>
  `urn:pulumi:${stack}::${project}::${type}::${name}`;

/** Three log groups; `b` depends on `a`; `c` is protected when asked. */
function groups(opts: { protectC?: boolean; extra?: boolean } = {}) {
  return async () => {
    const a = new aws.cloudwatch.LogGroup("a", { retentionInDays: 7 });
    new aws.cloudwatch.LogGroup("b", { retentionInDays: 7, tags: { after: a.name } }, { dependsOn: [a] });
    new aws.cloudwatch.LogGroup("c", { retentionInDays: 7 }, { protect: opts.protectC ?? false });
    if (opts.extra) new aws.cloudwatch.LogGroup("d", { retentionInDays: 7 });
  };
}

const names = async (s: Stack): Promise<string[]> =>
  (((await s.exportStack()).deployment.resources as { urn: string; type: string }[] | undefined) ?? [])
    .filter((r) => r.type === LOG)
    .map((r) => r.urn.split("::").pop() ?? "")
    .sort();

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi through Stack: operation flags as pulumi 3.248 treats them", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("--parallel must be a Go int32: 1.1 and 1e10 are refused with pflag's message and exit 255", async () => {
    const stack = await world.stack("opsflags", "dev", groups());
    // (NaN is falsy: the SDK leaves the flag out.)
    for (const [bad, why] of [
      [1.1, "invalid syntax"],
      [1e10, "value out of range"],
    ] as const) {
      expect(await failureOf(stack.up({ parallel: bad }))).toContain("Command failed with exit code 255");
      expect(await errorOf(stack.preview({ parallel: bad }))).toBe(
        `error: invalid argument "${String(bad)}" for "-p, --parallel" flag: strconv.ParseInt: parsing "${String(bad)}": ${why}`,
      );
    }
    expect(await names(stack)).toEqual([]);
    expect((await stack.up({ parallel: 2 })).summary.resourceChanges).toEqual({ create: 4 });
  });

  it("--target/--exclude: only the named resources change; --target-dependents pulls in dependents", async () => {
    const stack = await world.stack("opsflags", "dev", groups({ extra: true }));
    const only = await stack.up({ target: [urn("dev", "opsflags", "d")] });
    expect(only.summary.resourceChanges).toMatchObject({ create: 1 });
    const excluded = await stack.preview({ exclude: [urn("dev", "opsflags", "*")] });
    expect(excluded.changeSummary.create ?? 0).toBe(0);
    const destroyA = stack.destroy({ target: [urn("dev", "opsflags", "a")] });
    expect(await failureOf(destroyA)).toMatch(
      /'urn:pulumi:dev::opsflags::aws:cloudwatch\/logGroup:LogGroup::b' depends on it/,
    );
    const withDeps = await stack.destroy({ target: [urn("dev", "opsflags", "a")], targetDependents: true });
    expect(withDeps.summary.resourceChanges).toEqual({ delete: 2 });
    expect(await names(stack)).toEqual(["c", "d"]);
    expect(await errorOf(stack.up({ target: ["x"], exclude: ["y"] }))).toBe(
      "error: if any flags in the group [target exclude] are set none of the others can be; [exclude target] were all set",
    );
    await stack.destroy();
  });

  it("destroy --exclude-protected keeps protected resources (and what they hang off) and says so", async () => {
    const stack = await world.stack("opsprot", "dev", groups({ protectC: true }));
    await stack.up();
    const res = await stack.destroy({ excludeProtected: true });
    // c, the root stack resource it hangs off and the provider it uses (the engine's dependency graph includes providers).
    expect(res.stdout).toContain(
      "All unprotected resources were destroyed. There are still 3 protected resources associated with this stack.",
    );
    expect(await names(stack)).toEqual(["c"]);
    const again = await stack.destroy({ excludeProtected: true });
    expect(again.stdout.trim()).toBe(
      "There were no unprotected resources to destroy. There are still 3 protected resources associated with this stack.",
    );
    expect(await errorOf(stack.destroy({ excludeProtected: true, target: ["x"] }))).toBe(
      "error: you cannot specify --target and --exclude-protected",
    );
  });

  it("destroy --refresh reads the account first, so a resource deleted behind Pulumi's back is not deleted twice", async () => {
    const stack = await world.stack("opsrefresh", "dev", groups());
    await stack.up();
    const { driftResource } = await import("../support/standin-account");
    driftResource(world.backendDir, { type: LOG, name: "c", stack: "opsrefresh/dev" }, "delete");
    const plain = await stack.destroy({ refresh: true });
    expect(plain.summary.resourceChanges).toEqual({ delete: 3 });
    expect(plain.stdout).toContain(
      "The resources in the stack have been deleted, but the history and configuration associated with the stack are still maintained. \nIf you want to remove the stack completely, run `pulumi stack rm dev`.",
    );
    expect(accountResources(world.backendDir).filter((r) => r.stack === "opsrefresh/dev")).toEqual([]);
  });

  it("refresh and destroy --run-program run the program (its errors fail the operation) and skip creates", async () => {
    let fail = false;
    const stack = await world.stack("opsrun", "dev", async () => {
      // A logged error fails the program as a thrown one does (a throw in an inline program also surfaces as an
      // unhandled rejection inside jest).
      if (fail) await pulumi.log.error("program refused to run");
      await groups()();
      new aws.cloudwatch.LogGroup("never-created", { retentionInDays: 7 });
    });
    await stack.up();
    await stack.destroy({ target: [urn("dev", "opsrun", "never-created")] });
    const refreshed = await stack.refresh({ runProgram: true });
    expect(refreshed.summary.resourceChanges).toMatchObject({ same: expect.any(Number) });
    expect(await names(stack)).toEqual(["a", "b", "c"]);
    fail = true;
    expect(await failureOf(stack.refresh({ runProgram: true }))).toMatch(
      /error: refresh failed[\s\S]*program refused to run/,
    );
    expect(await failureOf(stack.destroy({ runProgram: true }))).toMatch(
      /error: destroy failed[\s\S]*program refused to run/,
    );
    expect(await names(stack)).toEqual(["a", "b", "c"]);
    fail = false;
    expect((await stack.destroy({ runProgram: true })).summary.resourceChanges).toEqual({ delete: 4 });
  });

  it("plans: up --plan follows a saved preview; a step the plan did not expect fails with the engine's message", async () => {
    let extra = false;
    const stack = await world.stack("opsplan", "dev", async () => {
      await groups({ extra })();
    });
    const plan = path.join(world.workDir, "opsplan.plan.json");
    const saved = await stack.preview({ plan });
    expect(saved.stdout).toContain(
      `Update plan written to '${plan}'\nRun \`pulumi up --plan='${plan}'\` to constrain the update`,
    );
    expect(fs.readFileSync(plan, "utf8")).toContain(urn("dev", "opsplan", "a"));
    expect((await stack.up({ plan })).summary.resourceChanges).toEqual({ create: 4 });
    await stack.preview({ plan });
    extra = true;
    expect(await failureOf(stack.up({ plan }))).toMatch(
      /create is not allowed by the plan: no steps were expected for this resource/,
    );
    expect(await names(stack)).toEqual(["a", "b", "c"]);
  });

  it("resource hooks run through the SDK's callbacks: before/after create and delete, and a failing before hook fails the step", async () => {
    const calls: string[] = [];
    let failBefore = false;
    const stack = await world.stack("opshooks", "dev", async () => {
      const before = new pulumi.ResourceHook("before", (args) => {
        calls.push(`before:${args.name}:${String(args.newInputs?.retentionInDays)}`);
        if (failBefore) throw new Error("not today");
      });
      const after = new pulumi.ResourceHook("after", (args) => {
        calls.push(`after:${args.name}:${String(args.newOutputs?.arn).startsWith("arn:aws:logs:")}`);
      });
      const gone = new pulumi.ResourceHook("gone", (args) => {
        calls.push(`deleted:${args.name}`);
      });
      new aws.cloudwatch.LogGroup(
        "hooked",
        { retentionInDays: 7 },
        {
          hooks: { beforeCreate: [before], afterCreate: [after], beforeDelete: [gone], afterDelete: [gone] },
        },
      );
      if (failBefore)
        new aws.cloudwatch.LogGroup("blocked", { retentionInDays: 3 }, { hooks: { beforeCreate: [before] } });
    });
    await stack.up();
    expect(calls).toEqual(["before:hooked:7", "after:hooked:true"]);
    failBefore = true;
    calls.length = 0;
    expect(await failureOf(stack.up())).toMatch(/before create hook "before" failed: not today/);
    expect(await names(stack)).toEqual(["hooked"]);
    failBefore = false;
    calls.length = 0;
    await stack.destroy({ runProgram: true });
    expect(calls).toEqual(["deleted:hooked", "deleted:hooked"]);
  });

  it("import: adopts existing resources (protected by default) and returns the generated code", async () => {
    const src = await world.stack("opsimport", "src", async () => {
      const g = new aws.cloudwatch.LogGroup("orphan", { retentionInDays: 7 }, { retainOnDelete: true });
      return { id: g.id };
    });
    const id = (await src.up()).outputs.id.value as string;
    await src.destroy();
    const dst = await world.stack("opsimport", "dst", async () => ({}));
    const res = await dst.import({ resources: [{ type: LOG, name: "adopted", id }] });
    expect(res.generatedCode).toContain('new aws.cloudwatch.LogGroup("adopted"');
    expect(res.summary.kind).toBe("resource-import");
    const state = (await dst.exportStack()).deployment.resources as { urn: string; protect?: boolean; id?: string }[];
    expect(state.find((r) => r.urn.endsWith("::adopted"))).toMatchObject({ id, protect: true });
    expect(await failureOf(dst.import({ resources: [{ type: LOG, name: "ghost", id: "no-such-group" }] }))).toMatch(
      /resource 'no-such-group' does not exist/,
    );
  });

  it("preview --import-file writes an import spec with a placeholder id for every resource it would create", async () => {
    const stack = await world.stack("opsimportfile", "dev", groups());
    const file = path.join(world.workDir, "opsimportfile.json");
    await stack.preview({ importFile: file });
    const written = JSON.parse(fs.readFileSync(file, "utf8")) as { nameTable: object; resources: { name: string }[] };
    expect(written.nameTable).toEqual({});
    // In the order the engine saw the creates: b waits for a (dependsOn), c does not.
    expect([...written.resources].sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      ["a", "b", "c"].map((name) => ({ type: LOG, name, id: "<PLACEHOLDER>" })),
    );
  });

  it("--continue-on-error: independent steps go on after a failure, dependents of the failed one are left alone", async () => {
    const stack = await world.stack("opscontinue", "dev", async () => {
      const bad = new aws.cloudwatch.LogGroup("bad", { retentionInDays: 7 });
      new aws.cloudwatch.LogGroup("after-bad", { retentionInDays: 7 }, { dependsOn: [bad] });
      new aws.cloudwatch.LogGroup("good", { retentionInDays: 7 });
    });
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_FAIL: "*::bad" };
    const failure = await failureOf(stack.up({ continueOnError: true }));
    expect(failure).toMatch(/error: update failed/);
    expect(failure).toMatch(/api error InternalFailure/);
    expect(failure).toMatch(
      /after-bad was not updated because its dependency urn:pulumi:dev::opscontinue::aws:cloudwatch\/logGroup:LogGroup::bad failed/,
    );
    stack.workspace.envVars = world.env;
    expect(await names(stack)).toEqual(["good"]);
  });
});
