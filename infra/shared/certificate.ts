// The wildcard certificate every tenant and preview host is served with. A wildcard covers one label, so previews
// (`<slug>.preview.<domain>`) need their own SAN. The listener only ever gets an ISSUED certificate: ELBv2 refuses a
// certificate still PENDING_VALIDATION with UnsupportedCertificate (docs/infra.md, "The certificate").
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_SUBDOMAIN } from "../naming";

export interface SharedCertificateArgs {
  readonly baseDomain: string;
  /** When set, the DNS validation records are created in this Route 53 zone. */
  readonly hostedZoneId?: string;
  /** An ACM certificate that is already ISSUED for both domains; then no certificate is requested here. */
  readonly certificateArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One CNAME ACM checks before it issues the certificate. */
export interface ValidationRecord {
  readonly domainName: string;
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

/** The validation options' CNAMEs (both wildcard domains share one per base name). */
export function validationRecords(
  options: readonly aws.types.output.acm.CertificateDomainValidationOption[],
): ValidationRecord[] {
  const seen = new Set<string>();
  return options
    .map((o) => ({
      domainName: o.domainName,
      name: o.resourceRecordName,
      type: o.resourceRecordType,
      value: o.resourceRecordValue,
    }))
    .filter((r) => (seen.has(r.name) ? false : (seen.add(r.name), true)));
}

export function certificateDomains(baseDomain: string): readonly [string, string] {
  return [`*.${baseDomain}`, `*.${PREVIEW_SUBDOMAIN}.${baseDomain}`];
}

export class SharedCertificate extends pulumi.ComponentResource {
  /** Resolves only once ACM has ISSUED the certificate (or is the given, already issued, one). */
  readonly certificateArn: pulumi.Output<string>;
  /** What an operator whose DNS is elsewhere must publish; empty for a given certificateArn. */
  readonly validationRecords: pulumi.Output<ValidationRecord[]>;

  constructor(name: string, args: SharedCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:shared:SharedCertificate", name, {}, opts);
    if (args.certificateArn !== undefined) {
      this.certificateArn = pulumi.output(args.certificateArn);
      this.validationRecords = pulumi.output([]);
      this.registerOutputs({ certificateArn: this.certificateArn });
      return;
    }
    const [primary, preview] = certificateDomains(args.baseDomain);
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: primary, subjectAlternativeNames: [preview], validationMethod: "DNS", tags: args.tags },
      { parent: this },
    );
    this.validationRecords = certificate.domainValidationOptions.apply(validationRecords);

    // Without a zone the operator publishes the records (tenantctl shared up prints them as soon as ACM lists
    // them); CertificateValidation then waits for ISSUED, up to the provider's 75-minute create timeout.
    const fqdns =
      args.hostedZoneId === undefined
        ? undefined
        : this.route53Records(name, args.hostedZoneId, certificate, [primary, preview]);
    const validation = new aws.acm.CertificateValidation(
      `${name}-validation`,
      { certificateArn: certificate.arn, ...(fqdns === undefined ? {} : { validationRecordFqdns: fqdns }) },
      { parent: this },
    );
    this.certificateArn = validation.certificateArn;
    this.registerOutputs({ certificateArn: this.certificateArn, validationRecords: this.validationRecords });
  }

  private route53Records(
    name: string,
    zoneId: string,
    certificate: aws.acm.Certificate,
    domains: readonly string[],
  ): pulumi.Output<string>[] {
    return domains.map((domain, i) => {
      const option = certificate.domainValidationOptions.apply((options) => {
        const found = options.find((o) => o.domainName === domain);
        if (found === undefined)
          throw new Error(`SharedCertificate ${name}: ACM gave no validation record for ${domain}`);
        return found;
      });
      return new aws.route53.Record(
        `${name}-validation-${i}`,
        {
          zoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        { parent: this },
      ).fqdn;
    });
  }
}
