/**
 * A local stand-in for AWS Service Quotas (test code only), speaking its JSON protocol (awsJson1_1): POST /, header
 * `X-Amz-Target: ServiceQuotasV20190624.<Operation>`, body `{ServiceCode, QuotaCode}`, answer `{Quota:{…,Value}}` or an
 * error `{"__type": "<Code>", "message": …}` with status 400. Point the SDK at it with
 * AWS_ENDPOINT_URL_SERVICE_QUOTAS=<url> and fake AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION.
 * Requests are recorded so a test can assert that none was made.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeQuotaRequest {
  readonly operation: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  /** Whether the request was signed (an Authorization header with SigV4). */
  readonly signed: boolean;
}

export interface FakeServiceQuotasOptions {
  /** Applied values by `<service>/<code>` (GetServiceQuota); a quota not listed answers NoSuchResourceException. */
  readonly applied?: Readonly<Record<string, number>>;
  /** AWS default values by `<service>/<code>` (GetAWSDefaultServiceQuota). */
  readonly defaults?: Readonly<Record<string, number>>;
  /** Every request fails with this error code (e.g. AccessDeniedException), or never answers ("hang"). */
  readonly fail?: string | "hang";
}

export interface FakeServiceQuotas {
  readonly url: string;
  readonly requests: FakeQuotaRequest[];
  close(): Promise<void>;
}

const TARGET_PREFIX = "ServiceQuotasV20190624.";

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": "fake-request-id",
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeServiceQuotas(options: FakeServiceQuotasOptions = {}): Promise<FakeServiceQuotas> {
  const requests: FakeQuotaRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      let body: { ServiceCode?: unknown; QuotaCode?: unknown } = {};
      try {
        body = JSON.parse((await readBody(req)) || "{}") as typeof body;
      } catch {
        send(res, 400, { __type: "SerializationException", message: "body is not JSON" });
        return;
      }
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      const serviceCode = typeof body.ServiceCode === "string" ? body.ServiceCode : "";
      const quotaCode = typeof body.QuotaCode === "string" ? body.QuotaCode : "";
      requests.push({
        operation,
        serviceCode,
        quotaCode,
        signed: String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256"),
      });
      if (req.method !== "POST" || !target.startsWith(TARGET_PREFIX)) {
        send(res, 400, { __type: "UnknownOperationException", message: `unknown target ${target}` });
        return;
      }
      if (options.fail === "hang") {
        hanging.push(res);
        return;
      }
      if (options.fail !== undefined) {
        send(res, 400, {
          __type: options.fail,
          message:
            "User: arn:aws:iam::123456789012:user/fake is not authorized to perform: servicequotas:GetServiceQuota",
        });
        return;
      }
      const table =
        operation === "GetServiceQuota"
          ? options.applied
          : operation === "GetAWSDefaultServiceQuota"
            ? options.defaults
            : undefined;
      if (table === undefined) {
        send(res, 400, { __type: "UnknownOperationException", message: `the fake does not implement ${operation}` });
        return;
      }
      const value = table[`${serviceCode}/${quotaCode}`];
      if (value === undefined) {
        send(res, 400, {
          __type: "NoSuchResourceException",
          message: `The request failed because the specified service does not exist or the quota ${quotaCode} is not found.`,
        });
        return;
      }
      send(res, 200, {
        Quota: {
          ServiceCode: serviceCode,
          QuotaCode: quotaCode,
          QuotaName: quotaCode,
          Value: value,
          Unit: "None",
          Adjustable: true,
          GlobalQuota: serviceCode === "iam",
        },
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
