import { randomUUID } from "node:crypto";
import type { CloudResource } from "./standin/aws/account-store";
import { withAccount } from "./standin/aws/account-store";

/**
 * What an operator does outside Pulumi, in the stand-in's simulated account: publishing DNS records (as Route 53
 * records, which is what ACM checks) and bringing a certificate that is already issued (imported, or validated by
 * other means). The stand-in's ACM model (standin/aws/behaviour.ts) reads both.
 */
const outside = (
  type: string,
  name: string,
  id: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
): CloudResource => ({
  type,
  id,
  urn: `urn:pulumi:outside::outside::${type}::${name}`,
  stack: "outside/operator",
  name,
  physicalName: name,
  inputs,
  outputs: { ...inputs, ...outputs },
  seed: id,
  createdAt: new Date().toISOString(),
});

/** CNAME records published in the account's DNS (e.g. the validation records `shared up` printed). */
export function publishDnsRecords(
  backendDir: string,
  records: readonly { name: string; type: string; value: string }[],
): void {
  // Scoped: the unscoped form loads only shards that already exist, and a new type needs its own.
  withAccount(backendDir, { types: ["aws:route53/record:Record"], meta: false }, (state) => {
    for (const r of records) {
      const id = `ZOUTSIDE_${r.name}_${r.type}`;
      state.resources.push(
        outside(
          "aws:route53/record:Record",
          r.name,
          id,
          { zoneId: "ZOUTSIDE", name: r.name, type: r.type, records: [r.value], ttl: 300 },
          { fqdn: r.name },
        ),
      );
    }
  });
}

/** An ACM certificate in the account; ISSUED unless `pending` (then it waits for its validation records). */
export function seedCertificate(
  backendDir: string,
  domains: readonly string[],
  pending = false,
  region = "us-east-1",
  account = "123456789012",
): string {
  const arn = `arn:aws:acm:${region}:${account}:certificate/${randomUUID()}`;
  const options = domains.map((domainName) => ({
    domainName,
    resourceRecordName: `_${randomUUID().replace(/-/g, "")}.${domainName.replace(/^\*\./, "")}.`,
    resourceRecordType: "CNAME",
    resourceRecordValue: `_${randomUUID().replace(/-/g, "")}.acm-validations.aws.`,
  }));
  withAccount(backendDir, { types: ["aws:acm/certificate:Certificate"], meta: false }, (state) => {
    state.resources.push(
      outside(
        "aws:acm/certificate:Certificate",
        "imported",
        arn,
        { domainName: domains[0], subjectAlternativeNames: domains.slice(1) },
        { arn, domainValidationOptions: options, status: pending ? "PENDING_VALIDATION" : "ISSUED" },
      ),
    );
  });
  return arn;
}
