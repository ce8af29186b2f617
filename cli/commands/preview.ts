/**
 * `tenantctl preview up|down|list|gc`: a short-lived copy of the app per git branch (docs/previews.md).
 * Only wiring here; the actions (cli/actions/preview.ts, preview-list-gc.ts) are loaded when a subcommand runs.
 */
import { Command, Option } from "commander";
import type { PreviewDownFlags, PreviewUpFlags } from "../actions/preview";
import type { PreviewGcFlags, PreviewListFlags } from "../actions/preview-list-gc";
import type { CommandContext } from "../command-line";
import { reporterFor, withBackend, withEnv, withExamples, withJson, withYes } from "./common";

const NOW_HELP =
  "\nTest hook: TENANTCTL_NOW=<ISO 8601 time> replaces the clock (expiry, age, gc); never set it in production.\n";

function withBranch(command: Command): Command {
  return command.requiredOption(
    "--branch <name>",
    "git branch of the preview (any name `git check-ref-format --branch` accepts, up to 255 characters)",
  );
}

function upCommand(ctx: CommandContext): Command {
  const up = withYes(
    withJson(
      withBackend(
        withEnv(
          withBranch(new Command("up").description("create or update the preview of a branch and extend its expiry")),
        ),
      ),
    ),
  )
    .option("--image <ref>", "app image (default: the preview's current image, else the shared stack's)")
    .option("--ttl <duration>", "time to live from now: 90m, 72h, 3d (1h-30d; default 72h); every up resets it")
    .addOption(
      new Option(
        "--format <format>",
        "text, or markdown for a pull-request comment (stdout gets only the comment)",
      ).choices(["text", "markdown"]),
    );
  up.action(async (flags: PreviewUpFlags) => {
    const { previewUpAction } = await import("../actions/preview");
    await previewUpAction(ctx, reporterFor(ctx, flags), flags);
  });
  return withExamples(up, [
    'tenantctl preview up --branch "feature/login" --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:3f2a1c9',
    'tenantctl preview up --branch "$BRANCH" --image "$IMAGE" --ttl 24h --format markdown > comment.md',
  ]).addHelpText("after", NOW_HELP);
}

function downCommand(ctx: CommandContext): Command {
  const down = withJson(
    withBackend(
      withEnv(withBranch(new Command("down").description("destroy the preview of a branch (exit 3 when it has none)"))),
    ),
  ).option("-y, --yes", "skip the typed confirmation (required without a terminal)");
  down.action(async (flags: PreviewDownFlags) => {
    const { previewDownAction } = await import("../actions/preview");
    await previewDownAction(ctx, reporterFor(ctx, flags), flags);
  });
  return withExamples(down, [
    'tenantctl preview down --branch "feature/login"',
    'tenantctl preview down --branch "$BRANCH" --yes',
  ]);
}

function listCommand(ctx: CommandContext): Command {
  const list = withJson(new Command("list").description("every preview with its age, expiry, URL and image")).option(
    "--env <env>",
    "only previews of this environment",
  );
  list.action(async (flags: PreviewListFlags) => {
    const { previewListAction } = await import("../actions/preview-list-gc");
    await previewListAction(ctx, reporterFor(ctx, flags), flags);
  });
  return withExamples(list, [
    "tenantctl preview list",
    "tenantctl preview list --json | jq '.previews[] | select(.expired)'",
  ]).addHelpText("after", NOW_HELP);
}

function gcCommand(ctx: CommandContext): Command {
  const gc = withJson(
    withBackend(
      withEnv(
        new Command("gc").description(
          "destroy expired previews (and, with --keep-branches, those whose branch is gone)",
        ),
      ),
    ),
  )
    .option("--dry-run", "list what would be destroyed without destroying it")
    .option(
      "--keep-branches <file>",
      "file with one live branch per line: previews of other branches are destroyed too",
    )
    .option("-y, --yes", "skip the typed confirmation (required without a terminal)");
  gc.action(async (flags: PreviewGcFlags) => {
    const { previewGcAction } = await import("../actions/preview-list-gc");
    await previewGcAction(ctx, reporterFor(ctx, flags), flags);
  });
  return withExamples(gc, [
    "tenantctl preview gc --dry-run",
    "gh api repos/OWNER/REPO/branches --paginate --jq '.[].name' > branches.txt && tenantctl preview gc --keep-branches branches.txt --yes",
  ]).addHelpText("after", NOW_HELP);
}

export function previewCommand(ctx: CommandContext): Command {
  const preview = new Command("preview").description("short-lived preview environments per git branch");
  for (const sub of [upCommand(ctx), downCommand(ctx), listCommand(ctx), gcCommand(ctx)])
    preview.addCommand(sub.allowExcessArguments(false));
  return withExamples(preview, [
    'tenantctl preview up --branch "feature/login"',
    "tenantctl preview list",
    "tenantctl preview gc --dry-run",
  ]);
}
