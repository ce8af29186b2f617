// The simulated account's Secrets Manager for the local task run (test code only): an in-memory store of the
// secrets the tenant program created (and the one RDS creates for its managed master user), served over the AWS
// JSON 1.1 protocol the SDK speaks, so the app and its bootstrap step read them by ARN exactly as on AWS.
// test/support/secrets-manager-fake.ts answers RestoreSecret over the stand-in's backend; this one answers the
// value operations a running task makes.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const JSON_11 = "application/x-amz-json-1.1";

export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  value: string | undefined;
  versionId: string | undefined;
}

/** Which secret each call touched; never the value. */
export interface SecretCall {
  readonly operation: string;
  readonly secretId: string;
}

export interface SecretsFake {
  readonly url: string;
  readonly calls: SecretCall[];
  /** Adds a secret as the program (or RDS) created it; `value` undefined = created without a version yet. */
  add(arn: string, value: string | undefined): void;
  get(secretId: string): StoredSecret | undefined;
  close(): Promise<void>;
}

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>` → `<name>`. */
const nameOf = (arn: string): string => arn.slice(arn.indexOf(":secret:") + ":secret:".length, -7);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": JSON_11, "x-amzn-requestid": randomUUID() }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, code: string, message: string): void {
  res.setHeader("x-amzn-errortype", code);
  send(res, 400, { __type: code, message });
}

export async function startSecretsFake(): Promise<SecretsFake> {
  const secrets = new Map<string, StoredSecret>();
  const calls: SecretCall[] = [];
  // Secrets Manager finds a secret by full ARN or by name.
  const find = (id: string): StoredSecret | undefined =>
    secrets.get(id) ?? [...secrets.values()].find((s) => s.name === id);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^secretsmanager\./, "");
    const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
    if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
      sendError(res, "MissingAuthenticationTokenException", "Missing Authentication Token");
      return;
    }
    const secretId = typeof body["SecretId"] === "string" ? body["SecretId"] : "";
    calls.push({ operation, secretId });
    const secret = find(secretId);
    if (secret === undefined) {
      sendError(res, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      return;
    }
    switch (operation) {
      case "GetSecretValue":
        if (secret.value === undefined) {
          sendError(
            res,
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          );
          return;
        }
        send(res, 200, {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.value,
          VersionId: secret.versionId,
          VersionStages: ["AWSCURRENT"],
          CreatedDate: Math.floor(Date.now() / 1000),
        });
        return;
      case "PutSecretValue": {
        if (typeof body["SecretString"] !== "string") {
          sendError(res, "InvalidParameterException", "You must provide either SecretString or SecretBinary.");
          return;
        }
        secret.value = body["SecretString"];
        secret.versionId = typeof body["ClientRequestToken"] === "string" ? body["ClientRequestToken"] : randomUUID();
        send(res, 200, {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          VersionStages: ["AWSCURRENT"],
        });
        return;
      }
      case "DescribeSecret":
        send(res, 200, { ARN: secret.arn, Name: secret.name });
        return;
      default:
        sendError(
          res,
          "UnknownOperationException",
          `the task-run Secrets Manager fake does not answer ${operation || "(no X-Amz-Target)"}`,
        );
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, "InternalServiceError", err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    add: (arn, value) => {
      secrets.set(arn, { arn, name: nameOf(arn), value, versionId: value === undefined ? undefined : randomUUID() });
    },
    get: find,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
