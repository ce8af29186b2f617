import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDockerfile, APP_DIR } from "./support/image";

// infra/tenant/container.ts sets DB_SSL_CA_FILE=/app/certs/rds-global-bundle.pem and the tenant databases use
// caCertIdentifier rds-ca-rsa2048-g1: the image must carry that file, and the file must hold those roots.
const BUNDLE = join(APP_DIR, "certs", "rds-global-bundle.pem");

function certificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (c) => new X509Certificate(c),
  );
}

describe("the RDS CA bundle the image ships", () => {
  const certs = certificates(readFileSync(BUNDLE, "utf8"));
  const commonNames = certs.map((c) => /CN=([^\n]+)/.exec(c.subject)?.[1] ?? "");

  it.each(["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"])(
    "holds the rds-ca-rsa2048-g1 root of %s, valid for decades",
    (region) => {
      const i = commonNames.indexOf(`Amazon RDS ${region} Root CA RSA2048 G1`);
      expect(i).toBeGreaterThanOrEqual(0);
      const root = certs[i] as X509Certificate;
      expect(root.ca).toBe(true);
      expect(root.verify(root.publicKey)).toBe(true);
      expect(new Date(root.validTo).getTime()).toBeGreaterThan(Date.parse("2060-01-01"));
    },
  );

  it("is copied into the runtime stage at /app/certs, no download at build time", () => {
    const runtime = parseDockerfile(readFileSync(join(APP_DIR, "Dockerfile"), "utf8")).at(-1);
    expect(runtime?.instructions).toContainEqual({ op: "WORKDIR", args: "/app" });
    expect(runtime?.instructions).toContainEqual({ op: "COPY", args: "certs ./certs" });
    expect(runtime?.instructions.some((i) => /https?:\/\//.test(i.args))).toBe(false);
  });
});
