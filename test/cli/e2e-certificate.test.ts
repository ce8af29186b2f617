/**
 * Issue 11, item 3, end to end through the stand-in (its account models ACM and ELBv2 as docs/sim.md lists): the
 * HTTPS listener only ever gets an ISSUED certificate. Without a hosted zone the first `shared up` prints the DNS
 * validation records and waits for ACM; once the records are published the same command completes. An operator
 * with a certificate already issued passes `certificateArn`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { accountResources } from "../support/standin-account";
import { publishDnsRecords, seedCertificate } from "../support/standin-dns";
import { tempDir } from "./support/memory-io";
import { e2eEnv, IMAGE, json, tenantctl } from "./support/e2e";

interface UpDoc {
  outputs: {
    certificateArn: string;
    certificateValidationRecords: { domainName: string; name: string; type: string; value: string }[];
  };
}

function sandbox() {
  const cwd = tempDir("tenantctl-cert-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const httpsListeners = () =>
    accountResources(backend).filter((r) => r.type.endsWith("/listener:Listener") && r.inputs.protocol === "HTTPS");
  return {
    backend,
    httpsListeners,
    run: (...args: string[]) =>
      tenantctl(cwd, env, ["shared", "up", "--env", "dev", "--config", `imageUri=${IMAGE}`, ...args]),
  };
}

const DOMAINS = ["*.dev.tenants.example.com", "*.preview.dev.tenants.example.com"];

describe("the shared certificate without a hosted zone (DNS elsewhere)", () => {
  const box = sandbox();

  it("the first shared up prints the validation records, waits, and creates no HTTPS listener while ACM has not issued", async () => {
    const r = await box.run();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Publish these records in the DNS of the base domain/);
    expect(r.stderr).toMatch(
      /\*\.dev\.tenants\.example\.com .*_[0-9a-f]{32}\.dev\.tenants\.example\.com\. .*CNAME .*acm-validations\.aws\./,
    );
    expect(r.stderr).toMatch(
      /waiting for ACM Certificate \(arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f-]+\) to be issued: timeout/,
    );
    expect(box.httpsListeners()).toEqual([]);
  });

  it("once the records are published, the same command completes with the certificate issued", async () => {
    const certificate = accountResources(box.backend).find((r) => r.type === "aws:acm/certificate:Certificate");
    const options = certificate?.outputs.domainValidationOptions as {
      resourceRecordName: string;
      resourceRecordType: string;
      resourceRecordValue: string;
    }[];
    publishDnsRecords(
      box.backend,
      options.map((o) => ({ name: o.resourceRecordName, type: o.resourceRecordType, value: o.resourceRecordValue })),
    );
    const r = await box.run("--json");
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    const doc = json<UpDoc>(r);
    expect(doc.outputs.certificateValidationRecords.map((x) => x.domainName)).toEqual(DOMAINS);
    expect(box.httpsListeners().map((l) => l.inputs.certificateArn)).toEqual([doc.outputs.certificateArn]);
  });

  it("shared up in text mode shows the records as a table", async () => {
    const r = await box.run();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/certificate validation records/);
    expect(r.stdout).toMatch(/\*\.preview\.dev\.tenants\.example\.com .*CNAME/);
  });
});

describe("the shared certificate given as certificateArn", () => {
  it("uses an issued certificate and requests none", async () => {
    const box = sandbox();
    const arn = seedCertificate(box.backend, DOMAINS);
    const r = await box.run("--config", `certificateArn=${arn}`, "--json");
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(box.httpsListeners().map((l) => l.inputs.certificateArn)).toEqual([arn]);
    expect(
      accountResources(box.backend).filter(
        (r) => r.type === "aws:acm/certificate:Certificate" && r.stack !== "outside/operator",
      ),
    ).toEqual([]);
  });

  it("a certificate still pending validation is refused by ELBv2 (UnsupportedCertificate)", async () => {
    const box = sandbox();
    const arn = seedCertificate(box.backend, DOMAINS, true);
    const r = await box.run("--config", `certificateArn=${arn}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `UnsupportedCertificate: The certificate '${arn}' must have a fully-qualified domain name, a supported signature, and a supported key size.`,
    );
  });

  it("a certificate the account does not hold is CertificateNotFound", async () => {
    const box = sandbox();
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000";
    const r = await box.run("--config", `certificateArn=${arn}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("CertificateNotFound");
  });
});
