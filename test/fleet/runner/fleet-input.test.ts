/** The distributed modes' flags: bad combinations and values are exit 2 with one line naming what is allowed. */
import { UsageError } from "../../../cli/errors";
import { parseFleetMode, parseLease } from "../../../cli/fleet/runner/fleet-input";

const ID = "2026-12-03T10-15-00-000Z-1a2b3c";
const refused = (flags: Record<string, unknown>): string => {
  try {
    parseFleetMode(flags);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(flags)}`);
};

it("recognises the three modes and none", () => {
  expect(parseFleetMode({ image: "x", detach: true })).toEqual({ kind: "detach" });
  expect(parseFleetMode({ join: ID, concurrency: "3", lease: "90s" })).toEqual({
    kind: "join",
    id: ID,
    leaseMs: 90_000,
  });
  expect(parseFleetMode({ join: ID })).toEqual({ kind: "join", id: ID, leaseMs: 60_000 });
  expect(parseFleetMode({ status: ID, json: true })).toEqual({ kind: "status", id: ID });
  expect(parseFleetMode({ image: "x" })).toBeUndefined();
});

it.each([
  [{ detach: true, join: ID }, /--detach and --join are different modes/],
  [{ join: ID, status: ID }, /--join and --status are different modes/],
  [{ join: ID, image: "x" }, /--join cannot be combined with --image/],
  [{ join: ID, maxFailures: "2" }, /--join cannot be combined with --max-failures/],
  [{ join: ID, resume: true }, /--join cannot be combined with --resume/],
  [{ join: "latest" }, /--join "latest" is not a rollout id/],
  [{ status: ID, concurrency: "4" }, /--status cannot be combined with --concurrency/],
  [{ status: "../../etc" }, /--status "..\/..\/etc" is not a rollout id/],
  [
    { detach: true, image: "x", concurrency: "4" },
    /--detach cannot be combined with --concurrency.*runners take --concurrency/,
  ],
  [{ detach: true, image: "x", dryRun: true }, /--detach cannot be combined with --dry-run/],
  [{ image: "x", lease: "30s" }, /--lease "30s" applies to runners only/],
  [{ join: ID, lease: "1s" }, /--lease "1s" is not a lease duration \(allowed: 2s-1h/],
])("refuses %j", (flags, message) => {
  expect(refused(flags)).toMatch(message);
});

it("parses lease durations in s, m and h within 2s-1h", () => {
  expect(parseLease("2s")).toBe(2000);
  expect(parseLease("2m")).toBe(120_000);
  expect(parseLease("1h")).toBe(3_600_000);
  for (const bad of ["2h", "0s", "10", "1.5m", "-5s", ""]) expect(() => parseLease(bad)).toThrow(UsageError);
});
