/**
 * AWS behaviour over time that the simulated account models across stacks (docs/sim.md lists each, with its test):
 * - ACM: a DNS-validated certificate is PENDING_VALIDATION until its validation CNAMEs resolve; here that is when a
 *   Route 53 record of that name exists in the account, or the certificate was seeded as ISSUED (an imported or
 *   otherwise validated certificate, `seedIssuedCertificate` in test/support/standin-account.ts).
 * - aws.acm.CertificateValidation (terraform-provider-aws certificate_validation.go): with validationRecordFqdns, each
 *   of the certificate's records must be among them (`missing <domain> DNS validation record: <fqdn>`); then it
 *   waits for ISSUED up to its 75-minute create timeout. The stand-in does not wait: records absent = the timeout.
 * - ELBv2 CreateListener/ModifyListener with a certificate that is not ISSUED: UnsupportedCertificate; with an ARN
 *   the account does not hold: CertificateNotFound.
 * - ECS CreateService with a load balancer whose target group no listener or rule forwards to yet:
 *   InvalidParameterException (… does not have an associated load balancer).
 */
import {
  canonicalType,
  forwardedTargetGroups,
  serviceTargetGroups,
  targetGroupNotAssociatedMessage,
  unsupportedCertificateMessage,
} from "../../../../infra/sim/aws-model";
import type { AccountState, CloudResource } from "./account-store";
import { AwsError, awsError, type Verb } from "./aws-error";

export const CERTIFICATE = "aws:acm/certificate:Certificate";
const CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const LISTENER = "aws:lb/listener:Listener";
const RECORD = "aws:route53/record:Record";
const SERVICE = "aws:ecs/service:Service";
const LISTENER_RULE = "aws:lb/listenerRule:ListenerRule";

/** The account shards the behaviours of a resource of `type` read besides its own. */
export function behaviourTypes(type: string): string[] {
  const t = canonicalType(type);
  if (t === SERVICE) return [LISTENER, LISTENER_RULE];
  return t === LISTENER || t === CERTIFICATE_VALIDATION ? [CERTIFICATE, RECORD] : [];
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const fqdn = (name: string): string => name.replace(/\.$/, "").toLowerCase();

interface ValidationOption {
  domainName?: string;
  resourceRecordName?: string;
}

function options(certificate: CloudResource): ValidationOption[] {
  const raw = certificate.outputs.domainValidationOptions;
  return Array.isArray(raw) ? (raw as ValidationOption[]) : [];
}

function findCertificate(state: AccountState, arn: string): CloudResource | undefined {
  return state.resources.find((r) => canonicalType(r.type) === CERTIFICATE && (r.id === arn || r.outputs.arn === arn));
}

function recordsPublished(state: AccountState, certificate: CloudResource): boolean {
  const published = new Set(
    state.resources.filter((r) => canonicalType(r.type) === RECORD).map((r) => fqdn(str(r.inputs.name) ?? "")),
  );
  const wanted = options(certificate).map((o) => fqdn(o.resourceRecordName ?? ""));
  return wanted.length > 0 && wanted.every((name) => published.has(name));
}

export function certificateStatus(state: AccountState, certificate: CloudResource): "ISSUED" | "PENDING_VALIDATION" {
  return certificate.outputs.status === "ISSUED" || recordsPublished(state, certificate)
    ? "ISSUED"
    : "PENDING_VALIDATION";
}

export function checkBehaviour(state: AccountState, cand: CloudResource, verb: Verb): AwsError | undefined {
  const t = canonicalType(cand.type);
  const physical = cand.physicalName ?? cand.name;
  if (t === LISTENER && (verb === "creating" || verb === "updating")) {
    const arn = str(cand.inputs.certificateArn);
    if (arn === undefined) return undefined;
    const certificate = findCertificate(state, arn);
    if (certificate === undefined)
      return awsError(cand.type, verb, physical, "CertificateNotFound", `Certificate '${arn}' not found`);
    if (certificateStatus(state, certificate) !== "ISSUED") {
      return awsError(cand.type, verb, physical, "UnsupportedCertificate", unsupportedCertificateMessage(arn));
    }
  }
  if (t === SERVICE && verb === "creating") {
    const attached = new Set(state.resources.flatMap((r) => forwardedTargetGroups(r.type, r.inputs)));
    const loose = serviceTargetGroups(cand.inputs).find((tg) => !attached.has(tg));
    if (loose !== undefined)
      return awsError(cand.type, verb, physical, "InvalidParameterException", targetGroupNotAssociatedMessage(loose));
  }
  if (t === CERTIFICATE_VALIDATION && verb === "creating") {
    const arn = str(cand.inputs.certificateArn) ?? "";
    const certificate = findCertificate(state, arn);
    if (certificate === undefined)
      return new AwsError("ResourceNotFoundException", `reading ACM Certificate (${arn}): couldn't find resource`);
    const given = cand.inputs.validationRecordFqdns;
    if (Array.isArray(given)) {
      const names = new Set(given.map((v) => fqdn(String(v))));
      const missing = options(certificate).filter((o) => !names.has(fqdn(o.resourceRecordName ?? "")));
      if (missing.length > 0) {
        return new AwsError(
          "MissingValidationRecord",
          missing
            .map((o) => `missing ${o.domainName ?? "?"} DNS validation record: ${fqdn(o.resourceRecordName ?? "")}`)
            .join("; "),
        );
      }
    }
    if (certificateStatus(state, certificate) !== "ISSUED") {
      return new AwsError(
        "timeout",
        `waiting for ACM Certificate (${arn}) to be issued: timeout while waiting for state to become 'ISSUED' ` +
          "(last state: 'PENDING_VALIDATION', timeout: 1h15m0s)",
      );
    }
  }
  return undefined;
}
