/**
 * A fake Secrets Manager endpoint for end-to-end tests (test code only): a local HTTP server speaking the AWS JSON 1.1
 * protocol (POST /, `X-Amz-Target: secretsmanager.<Operation>`, `application/x-amz-json-1.1`) over the stand-in's
 * simulated account. It answers `RestoreSecret` (test/support/standin/aws/secret-restore.ts): a secret within its
 * recovery window moves back into the account; errors come back as AWS sends them (`__type`, `message`, HTTP 400).
 *
 * Point tenantctl at it with `fake.env` (AWS_ENDPOINT_URL_SECRETS_MANAGER, fake credentials, AWS_REGION). Set
 * `fake.failWith` to answer every call with an error instead (e.g. AccessDeniedException).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { restoreDeletedSecret } from "./standin/aws/secret-restore";

export interface FakeCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
  /** The request carried a SigV4 Authorization header. */
  readonly signed: boolean;
}

export interface FakeError {
  readonly code: string;
  readonly message: string;
  readonly status?: number;
}

export interface SecretsManagerFake {
  readonly url: string;
  /** Environment for a tenantctl child process: endpoint, fake credentials, region. */
  readonly env: NodeJS.ProcessEnv;
  readonly calls: FakeCall[];
  failWith: FakeError | undefined;
  close(): Promise<void>;
}

const JSON_11 = "application/x-amz-json-1.1";

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": JSON_11, "x-amzn-requestid": randomUUID() }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, e: FakeError): void {
  res.setHeader("x-amzn-errortype", e.code);
  send(res, e.status ?? 400, { __type: e.code, message: e.message });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startSecretsManagerFake(backendRoot: string, region = "us-east-1"): Promise<SecretsManagerFake> {
  const calls: FakeCall[] = [];
  const fake = { failWith: undefined as FakeError | undefined };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      sendError(res, {
        code: "SerializationException",
        message: "Start of structure or map found where not expected.",
      });
      return;
    }
    const signed = String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ");
    calls.push({ target, body, signed });
    if (req.method !== "POST" || !String(req.headers["content-type"] ?? "").startsWith(JSON_11)) {
      sendError(res, { code: "UnknownOperationException", message: `expected POST with ${JSON_11}` });
      return;
    }
    if (!signed) {
      sendError(res, {
        code: "MissingAuthenticationTokenException",
        message: "Missing Authentication Token",
        status: 400,
      });
      return;
    }
    if (fake.failWith !== undefined) {
      sendError(res, fake.failWith);
      return;
    }
    if (target !== "secretsmanager.RestoreSecret") {
      sendError(res, {
        code: "UnknownOperationException",
        message: `the fake Secrets Manager answers only RestoreSecret, not ${target || "(no X-Amz-Target)"}`,
      });
      return;
    }
    const secretId = body.SecretId;
    if (typeof secretId !== "string" || secretId === "") {
      sendError(res, { code: "InvalidParameterException", message: "SecretId is required." });
      return;
    }
    const outcome = restoreDeletedSecret(backendRoot, secretId);
    if (outcome.ok) send(res, 200, { ARN: outcome.arn, Name: outcome.name });
    else sendError(res, { code: outcome.code, message: outcome.message });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendError(res, {
          code: "InternalServiceError",
          message: err instanceof Error ? err.message : String(err),
          status: 500,
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url,
    calls,
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
      AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
      AWS_SECRET_ACCESS_KEY: "fake-secret-access-key-for-tests-only",
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: "true",
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
