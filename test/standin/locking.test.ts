import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import {
  ConcurrentUpdateError,
  LocalWorkspace,
  StackAlreadyExistsError,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

const program = async () => {
  const logs = new aws.cloudwatch.LogGroup("logs", { retentionInDays: 14 });
  return { name: logs.name };
};

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: stacks and locks", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("raises the SDK's StackNotFoundError and StackAlreadyExistsError", async () => {
    const dir = path.join(world.workDir, "errors");
    fs.mkdirSync(dir, { recursive: true });
    const opts = { workDir: dir, envVars: world.env, pulumiCommand: await world.pulumiCommand() };
    const args = { projectName: "errors", stackName: "dev", program };
    await expect(LocalWorkspace.selectStack(args, opts)).rejects.toBeInstanceOf(StackNotFoundError);
    await LocalWorkspace.createStack(args, opts);
    await expect(LocalWorkspace.createStack(args, opts)).rejects.toBeInstanceOf(StackAlreadyExistsError);
    const ws = await LocalWorkspace.create(opts);
    expect((await ws.listStacks()).map((s) => s.name)).toEqual(["dev"]);
    expect((await ws.whoAmI()).url).toBe(world.env.PULUMI_BACKEND_URL);
  });

  it("fails a second concurrent update with ConcurrentUpdateError and keeps the first one intact", async () => {
    const stack = await world.stack("locking", "dev", program);
    const slowEnv = { ...world.env, PULUMI_STANDIN_DELAY_MS: "3000" };
    const slow = await world.stack("locking", "dev", program);
    slow.workspace.envVars = slowEnv;
    const first = slow.up();
    const lockDir = path.join(world.backendDir, ".pulumi", "locks", "organization", "locking", "dev");
    for (let i = 0; i < 100 && !(fs.existsSync(lockDir) && fs.readdirSync(lockDir).length > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = stack.up().then(
      () => undefined,
      (e: unknown) => e,
    );
    const err = await second;
    expect(err).toBeInstanceOf(ConcurrentUpdateError);
    expect(String((err as Error).message)).toMatch(/the stack is currently locked by 1 lock\(s\)/);
    expect((await first).summary.resourceChanges).toEqual({ create: 2 });
    expect(fs.readdirSync(lockDir)).toEqual([]);
  });
});
