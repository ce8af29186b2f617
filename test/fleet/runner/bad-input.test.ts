/** `upgrade tenants --detach | --join | --status` refuse bad input with exit 2, one `error:` line, nothing written. */
import { expectRefusedCleanly } from "../../cli/support/refused-cleanly";

const ID = "2026-12-03T10-15-00-000Z-1a2b3c";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:2.0.0";

it.each([
  [
    ["--join", ID, "--image", IMAGE],
    /--join cannot be combined with --image \(allowed with --join: --env, --concurrency, --lease/,
  ],
  [["--join", ID, "--waves", "1,100%"], /--join cannot be combined with --waves/],
  [["--join", ID, "--max-failures", "3"], /--join cannot be combined with --max-failures.*--resume --detach/],
  [["--join", ID, "--lease", "5"], /--lease "5" is not a lease duration \(allowed: 2s-1h/],
  [["--join", ID, "--concurrency", "0"], /--concurrency "0" is not a number of parallel operations \(allowed: 1-100\)/],
  [["--join", "newest"], /--join "newest" is not a rollout id/],
  [["--join", ID, "--env", "Prod!"], /--env/],
  [
    ["--status", ID, "--concurrency", "3"],
    /--status cannot be combined with --concurrency \(allowed with --status: --env, --json\)/,
  ],
  [["--status", "x/../y", "--json"], /--status "x\/\.\.\/y" is not a rollout id/],
  [["--detach", "--image", IMAGE, "--lease", "30s"], /--detach cannot be combined with --lease/],
  [["--detach", "--image", IMAGE, "--dry-run"], /--detach cannot be combined with --dry-run/],
  [["--detach"], /--image is required/],
  [["--detach", "--image", "not an image"], /--image/],
  [["--detach", "--join", ID], /--detach and --join are different modes/],
  [["--image", IMAGE, "--lease", "30s"], /--lease "30s" applies to runners only \(allowed: with --join <id>\)/],
])("upgrade tenants %j", async (args, expected) => {
  await expectRefusedCleanly({ argv: ["upgrade", "tenants", ...args], expect: expected });
});
