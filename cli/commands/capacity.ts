/**
 * `tenantctl capacity`: tenants per ALB against the 100 target group cap, RDS instances and IAM roles against the
 * account's quotas (read from AWS Service Quotas when credentials are configured), listener priorities in use, and
 * where the next tenant would go. The action is cli/actions/capacity.ts; the rules are in cli/capacity/.
 */
import { Command, Option } from "commander";
import type { CapacityFlags } from "../actions/capacity";
import type { CommandContext } from "../command-line";
import { reporterFor, withEnv, withExamples, withJson } from "./common";

export function capacityCommand(ctx: CommandContext): Command {
  const command = withJson(
    withEnv(
      new Command("capacity")
        .description("show how close the fleet is to the AWS limits that cap tenants")
        .allowExcessArguments(false),
    ),
  )
    .addOption(
      new Option(
        "--rds-quota <n>",
        "the account's RDS DB instance quota (default: $TENANTCTL_QUOTA_RDS_INSTANCES, else Service Quotas, else 40)",
      ),
    )
    .addOption(
      new Option(
        "--iam-role-quota <n>",
        "the account's IAM role quota (default: $TENANTCTL_QUOTA_IAM_ROLES, else Service Quotas, else 1000)",
      ),
    )
    .addOption(
      new Option("--secrets-provider <url>", "secrets provider of the stacks: passphrase (default) or awskms://<key>"),
    )
    .option(
      "--reconcile",
      "free the seats (and listener priorities) of stacks that do not exist, claimed over an hour ago; asks first on a terminal",
    )
    .option(
      "-y, --yes",
      "with --reconcile: release without asking (required without a terminal); otherwise accepted and ignored",
    )
    .addHelpText(
      "after",
      [
        "",
        "provision and restore refuse with exit 5 when a tenant would cross one of these limits.",
        "Quotas: a flag, else TENANTCTL_QUOTA_RDS_INSTANCES / _IAM_ROLES / _TARGET_GROUPS_PER_ALB / _LISTENER_RULES_PER_ALB,",
        "else the account's values in AWS Service Quotas (read when AWS credentials are configured, within 3 s; cached in",
        "the backend for provision and restore), else AWS's defaults. The report says which (source).",
      ].join("\n"),
    );
  withExamples(command, [
    "tenantctl capacity",
    "tenantctl capacity --env prod --rds-quota 120 --json",
    "tenantctl capacity --reconcile --yes --json",
  ]);
  command.action(async (flags: CapacityFlags) => {
    const { capacityAction } = await import("../actions/capacity");
    await capacityAction(ctx.io, reporterFor(ctx, flags), flags);
  });
  return command;
}
