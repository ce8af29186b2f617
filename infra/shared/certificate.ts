// The wildcard certificate every tenant and preview host is served with. A wildcard covers one label, so previews
// (`<slug>.preview.<domain>`) need their own SAN.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_SUBDOMAIN } from "../naming";

export interface SharedCertificateArgs {
  readonly baseDomain: string;
  /** When set, the DNS validation records are created here and the certificate is waited for. */
  readonly hostedZoneId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export function certificateDomains(baseDomain: string): readonly [string, string] {
  return [`*.${baseDomain}`, `*.${PREVIEW_SUBDOMAIN}.${baseDomain}`];
}

export class SharedCertificate extends pulumi.ComponentResource {
  /** Without a zone this ARN is usable only once someone has published the validation records and ACM issued it. */
  readonly certificateArn: pulumi.Output<string>;

  constructor(name: string, args: SharedCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:shared:SharedCertificate", name, {}, opts);
    const [primary, preview] = certificateDomains(args.baseDomain);
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: primary, subjectAlternativeNames: [preview], validationMethod: "DNS", tags: args.tags },
      { parent: this },
    );

    if (args.hostedZoneId === undefined) {
      this.certificateArn = certificate.arn;
    } else {
      const zoneId = args.hostedZoneId;
      const records = [primary, preview].map((domain, i) => {
        const option = certificate.domainValidationOptions.apply((options) => {
          const found = options.find((o) => o.domainName === domain);
          if (found === undefined) throw new Error(`SharedCertificate ${name}: ACM gave no validation record for ${domain}`);
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
        );
      });
      const validation = new aws.acm.CertificateValidation(
        `${name}-validation`,
        { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
        { parent: this },
      );
      this.certificateArn = validation.certificateArn;
    }
    this.registerOutputs({ certificateArn: this.certificateArn });
  }
}
