// A certificate authority made at test time with openssl, standing in for Amazon RDS's CA: the throw-away
// PostgreSQL server presents a certificate it signed for the RDS endpoint's host name, and the app verifies it.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCa {
  readonly dir: string;
  /** PEM of the CA certificate: what the image's RDS CA bundle is replaced by in the local run. */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServerCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

const openssl = (args: readonly string[], cwd: string): void => {
  execFileSync("openssl", args, { cwd, stdio: "pipe" });
};

// P-256 keys: generated in milliseconds, unlike RSA, and accepted by both PostgreSQL and Node's TLS.
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function createTestCa(dir: string): TestCa {
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      "req",
      "-x509",
      ...EC_KEY,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=tenantctl task-run test RDS CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  // The app runs as the task's non-root user, which must be able to read the bundle, as with the image's 0444 file.
  chmodSync(join(dir, "ca.pem"), 0o444);
  return { dir, certFile: join(dir, "ca.pem"), keyFile: join(dir, "ca.key") };
}

/** A server certificate for `host`, signed by the CA; the key is readable by its owner only, as PostgreSQL demands. */
export function issueServerCertificate(ca: TestCa, dir: string, host: string): ServerCertificate {
  mkdirSync(dir, { recursive: true });
  const ext = join(dir, "server.ext");
  writeFileSync(
    ext,
    `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`,
  );
  // A common name holds at most 64 characters and longer endpoints exist; clients check the subjectAltName anyway.
  const cn = host.length <= 64 ? host : (host.split(".")[0] ?? "rds");
  openssl(["req", "-new", ...EC_KEY, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${cn}`], dir);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      ca.certFile,
      "-CAkey",
      ca.keyFile,
      "-CAcreateserial",
      "-CAserial",
      join(dir, "ca.srl"),
      "-days",
      "2",
      "-out",
      "server.crt",
      "-extfile",
      ext,
    ],
    dir,
  );
  chmodSync(join(dir, "server.key"), 0o600);
  return { certFile: join(dir, "server.crt"), keyFile: join(dir, "server.key") };
}
