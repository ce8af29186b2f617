/**
 * What `preview up` reports: the JSON document, the human summary, and the pull-request comment
 * (`--format markdown`): URL, branch, image, expiry, resource changes, cost estimate. No secret is in any of them:
 * the spec and outputs carry ARNs and names only, and resource changes show names and safe values.
 */
import type { CostBreakdown } from "../../infra/tiers";
import { countChanges, type ResourceChange } from "./changes";
import { changeSummary, changesTable, code, relativeTime, splitTagOnly, table, utc } from "./markdown";
import type { PreviewUpResult } from "./deploy";

export interface PreviewReport {
  readonly branch: string;
  readonly env: string;
  readonly stack: string;
  readonly slug: string;
  readonly url: string | null;
  readonly image: string;
  readonly created: boolean;
  readonly createdAt: string;
  readonly lastDeployedAt: string;
  readonly expiresAt: string;
  readonly resourceChanges: Partial<Record<ResourceChange["op"], number>>;
  readonly resources: readonly { op: string; type: string; name: string; properties: readonly string[] }[];
  readonly monthlyCostUsd: number;
  readonly dailyCostUsd: number;
}

export function previewReport(result: PreviewUpResult, cost: CostBreakdown, hoursPerMonth: number): PreviewReport {
  const { record, spec } = result;
  return {
    branch: record.branch,
    env: record.env,
    stack: record.stack,
    slug: record.slug,
    url: result.url ?? null,
    image: spec.pinnedImage ?? spec.image,
    created: result.created,
    createdAt: record.createdAt,
    lastDeployedAt: record.lastDeployedAt,
    expiresAt: record.expiresAt,
    resourceChanges: countChanges(result.resources),
    resources: result.resources.map((r) => ({
      op: r.op,
      type: r.type,
      name: r.name,
      properties: r.properties.map((p) => p.key),
    })),
    monthlyCostUsd: cost.totalUsd,
    dailyCostUsd: Math.round((cost.totalUsd / hoursPerMonth) * 24 * 100) / 100,
  };
}

function headline(report: PreviewReport, resources: readonly ResourceChange[]): string {
  if (report.created) return `### Preview of ${code(report.branch)} is ready`;
  return resources.length === 0
    ? `### Preview of ${code(report.branch)} is up to date`
    : `### Preview of ${code(report.branch)} was updated`;
}

/** The sticky pull-request comment; the workflow adds its own marker. */
export function previewMarkdown(report: PreviewReport, resources: readonly ResourceChange[], now: Date): string {
  const expiry = `${utc(report.expiresAt)} (${relativeTime(new Date(report.expiresAt), now)}; every push extends it)`;
  const lines = [
    headline(report, resources),
    "",
    ...table(
      ["", ""],
      [
        ["URL", report.url ?? "(not reported by the stack)"],
        ["Branch", code(report.branch)],
        ["Image", code(report.image)],
        ["Expires", expiry],
        ["Stack", `${code(report.stack)} in env ${code(report.env)}`],
        [
          "Cost estimate",
          `about $${report.dailyCostUsd.toFixed(2)} a day ($${report.monthlyCostUsd.toFixed(2)} a month) while it runs; shared load balancer and NAT not included`,
        ],
      ],
    ),
    "",
    `#### Resource changes: ${changeSummary(resources)}`,
  ];
  const { main, tagOnly } = splitTagOnly(resources);
  const details = changesTable(main);
  if (details.length > 0) lines.push("", ...details);
  if (tagOnly.length > 0) {
    lines.push(
      "",
      `${main.length > 0 ? "Besides, " : ""}${tagOnly.length} resource${tagOnly.length === 1 ? " only changes its" : "s only change their"} tags (the ${code("expires-at")} tag moves to the day of the new expiry).`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The human summary on stdout (progress went to stderr). */
export function previewText(report: PreviewReport, resources: readonly ResourceChange[], now: Date): string[] {
  const verb = report.created ? "created" : resources.length === 0 ? "up to date" : "updated";
  return [
    `preview of ${report.branch} ${verb} (${changeSummary(resources)})`,
    `  url:     ${report.url ?? "(not reported by the stack)"}`,
    `  branch:  ${report.branch}`,
    `  image:   ${report.image}`,
    `  expires: ${report.expiresAt} (${relativeTime(new Date(report.expiresAt), now)})`,
    `  stack:   ${report.stack} (project tenantctl-previews)`,
    `  cost:    about $${report.dailyCostUsd.toFixed(2)}/day, $${report.monthlyCostUsd.toFixed(2)}/month (us-east-1 on-demand; shared ALB/NAT not included)`,
  ];
}
