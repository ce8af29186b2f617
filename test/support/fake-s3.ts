/**
 * A small S3-compatible HTTP server for tests (test code only, never a product mode): in memory, path-style
 * addressing (`http://127.0.0.1:<port>/<bucket>/<key>`), any SigV4 signature accepted (an Authorization header is
 * required, as a private bucket requires one). It implements exactly what tenantctl's S3 record store uses:
 * GetObject, HeadObject, PutObject (with `If-None-Match: *` → 412 PreconditionFailed when the key exists, decided
 * atomically), DeleteObject, ListObjectsV2 (prefix, delimiter, max-keys, continuation-token, start-after).
 * Anything else answers 501 NotImplemented so a new SDK call shows up as a failing test, not a silent pass.
 *
 * Faults for tests: `maxKeysCap` (force small pages), `conflicts` (the next N conditional PUTs answer 409
 * ConditionalRequestConflict), `deny` (403 AccessDenied for matching requests), `failWith` (any error code).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: Date;
}

export interface FakeRequest {
  readonly method: string;
  /** GetObject, HeadObject, PutObject, DeleteObject, ListObjectsV2, or the unsupported "Other". */
  readonly op: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingMessage["headers"];
}

export interface FakeError {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
}

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function token(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function untoken(text: string): string {
  return Buffer.from(text, "base64url").toString("utf8");
}

export class FakeS3 {
  /** bucket → key → object. Create buckets with `createBucket`. */
  readonly buckets = new Map<string, Map<string, FakeObject>>();
  /** Every request served, in order. */
  readonly requests: FakeRequest[] = [];
  /** Upper bound on ListObjectsV2 page size, whatever the client asks for. */
  maxKeysCap = 1000;
  /** The next N conditional PUTs (If-None-Match) answer 409 ConditionalRequestConflict. */
  conflicts = 0;
  /** Requests for which this returns true answer 403 AccessDenied. */
  deny: ((request: FakeRequest) => boolean) | undefined;
  /** Requests for which this returns an error answer it. */
  failWith: ((request: FakeRequest) => FakeError | undefined) | undefined;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(buckets: readonly string[] = []): Promise<FakeS3> {
    const ready: { fake?: FakeS3 } = {};
    const server = createServer((req, res) => {
      if (ready.fake === undefined) {
        res.statusCode = 503;
        res.end();
        return;
      }
      ready.fake.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeS3(server, `http://127.0.0.1:${port}`);
    for (const bucket of buckets) fake.createBucket(bucket);
    ready.fake = fake;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  putObject(bucket: string, key: string, body: string | Buffer, contentType = "application/json"): void {
    const objects = this.buckets.get(bucket);
    if (objects === undefined) throw new Error(`no bucket ${bucket}`);
    const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    objects.set(key, {
      body: data,
      etag: `"${createHash("md5").update(data).digest("hex")}"`,
      contentType,
      lastModified: new Date(),
    });
  }

  getObject(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.get(key)?.body.toString("utf8");
  }

  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  /** Requests of one operation, e.g. `ops("ListObjectsV2")`. */
  ops(op: string): FakeRequest[] {
    return this.requests.filter((r) => r.op === op);
  }

  private error(res: ServerResponse, request: FakeRequest | undefined, e: FakeError): void {
    const resource = request === undefined ? "/" : `/${request.bucket}/${request.key}`;
    res.statusCode = e.status;
    res.setHeader("x-amz-request-id", "FAKE0000");
    if (request?.method === "HEAD") {
      res.end();
      return;
    }
    res.setHeader("content-type", "application/xml");
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message ?? e.code)}</Message>` +
        `<Resource>${xmlEscape(resource)}</Resource><RequestId>FAKE0000</RequestId></Error>`,
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/^\//, "");
    const slash = path.indexOf("/");
    const bucket = decodeURIComponent(slash === -1 ? path : path.slice(0, slash));
    const key = slash === -1 ? "" : decodeURIComponent(path.slice(slash + 1));
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? "GET";
    const op =
      key === "" && method === "GET" && query["list-type"] === "2"
        ? "ListObjectsV2"
        : key !== "" && method === "GET" && Object.keys(query).every((q) => q === "x-id")
          ? "GetObject"
          : key !== "" && method === "HEAD"
            ? "HeadObject"
            : key !== "" && method === "PUT" && Object.keys(query).every((q) => q === "x-id")
              ? "PutObject"
              : key !== "" && method === "DELETE" && Object.keys(query).every((q) => q === "x-id")
                ? "DeleteObject"
                : "Other";
    const request: FakeRequest = { method, op, bucket, key, query, headers: req.headers };
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      // Everything below runs synchronously in one turn of the event loop: the conditional PUT's check-and-set is atomic.
      this.requests.push(request);
      const auth = req.headers.authorization ?? "";
      if (!auth.startsWith("AWS4-HMAC-SHA256 "))
        return this.error(res, request, {
          status: 403,
          code: "AccessDenied",
          message: "Anonymous access is forbidden",
        });
      if (op === "Other")
        return this.error(res, request, {
          status: 501,
          code: "NotImplemented",
          message: `fake S3 does not implement ${method} ${req.url ?? ""}`,
        });
      const objects = this.buckets.get(bucket);
      if (objects === undefined)
        return this.error(res, request, {
          status: 404,
          code: "NoSuchBucket",
          message: "The specified bucket does not exist",
        });
      if (this.deny?.(request) === true)
        return this.error(res, request, { status: 403, code: "AccessDenied", message: "Access Denied" });
      const injected = this.failWith?.(request);
      if (injected !== undefined) return this.error(res, request, injected);
      res.setHeader("x-amz-request-id", "FAKE0000");
      switch (op) {
        case "GetObject":
        case "HeadObject": {
          const object = objects.get(key);
          if (object === undefined)
            return this.error(res, request, {
              status: 404,
              code: "NoSuchKey",
              message: "The specified key does not exist.",
            });
          res.statusCode = 200;
          res.setHeader("content-type", object.contentType);
          res.setHeader("content-length", String(object.body.length));
          res.setHeader("etag", object.etag);
          res.setHeader("last-modified", object.lastModified.toUTCString());
          res.end(op === "HeadObject" ? undefined : object.body);
          return;
        }
        case "PutObject": {
          if ((req.headers["content-encoding"] ?? "").includes("aws-chunked")) {
            return this.error(res, request, {
              status: 501,
              code: "NotImplemented",
              message: "fake S3 does not decode aws-chunked bodies",
            });
          }
          const ifNoneMatch = req.headers["if-none-match"];
          if (ifNoneMatch !== undefined) {
            if (ifNoneMatch !== "*")
              return this.error(res, request, {
                status: 501,
                code: "NotImplemented",
                message: "only If-None-Match: * is supported",
              });
            if (this.conflicts > 0) {
              this.conflicts--;
              return this.error(res, request, {
                status: 409,
                code: "ConditionalRequestConflict",
                message: "A conflicting conditional operation is currently in progress against this resource.",
              });
            }
            if (objects.has(key))
              return this.error(res, request, {
                status: 412,
                code: "PreconditionFailed",
                message: "At least one of the pre-conditions you specified did not hold",
              });
          }
          this.putObject(bucket, key, Buffer.concat(chunks), req.headers["content-type"] ?? "application/octet-stream");
          res.statusCode = 200;
          res.setHeader("etag", objects.get(key)?.etag ?? "");
          res.end();
          return;
        }
        case "DeleteObject":
          objects.delete(key);
          res.statusCode = 204;
          res.end();
          return;
        case "ListObjectsV2":
          res.statusCode = 200;
          res.setHeader("content-type", "application/xml");
          res.end(this.list(bucket, objects, query));
          return;
      }
    });
  }

  private list(bucket: string, objects: Map<string, FakeObject>, query: Record<string, string>): string {
    const prefix = query.prefix ?? "";
    const delimiter = query.delimiter ?? "";
    const asked = query["max-keys"] === undefined ? 1000 : Number(query["max-keys"]);
    const maxKeys = Math.max(0, Math.min(asked, this.maxKeysCap, 1000));
    const after =
      query["continuation-token"] !== undefined ? untoken(query["continuation-token"]) : (query["start-after"] ?? "");
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const contents: string[] = [];
    const commons: string[] = [];
    let count = 0;
    let lastConsumed: string | undefined;
    let truncated = false;
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const at = delimiter === "" ? -1 : rest.indexOf(delimiter);
      const common = at === -1 ? undefined : prefix + rest.slice(0, at + delimiter.length);
      if (common !== undefined && commons[commons.length - 1] === common) {
        lastConsumed = key; // another key of the same common prefix: counted once
        continue;
      }
      if (count === maxKeys) {
        truncated = true;
        break;
      }
      if (common !== undefined) commons.push(common);
      else contents.push(key);
      count++;
      lastConsumed = key;
    }
    const x: string[] = [`<?xml version="1.0" encoding="UTF-8"?>`, `<ListBucketResult xmlns="${XMLNS}">`];
    x.push(`<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>`);
    if (delimiter !== "") x.push(`<Delimiter>${xmlEscape(delimiter)}</Delimiter>`);
    x.push(`<MaxKeys>${maxKeys}</MaxKeys><KeyCount>${count}</KeyCount><IsTruncated>${truncated}</IsTruncated>`);
    if (query["continuation-token"] !== undefined)
      x.push(`<ContinuationToken>${xmlEscape(query["continuation-token"])}</ContinuationToken>`);
    if (truncated && lastConsumed !== undefined)
      x.push(`<NextContinuationToken>${token(lastConsumed)}</NextContinuationToken>`);
    for (const key of contents) {
      const o = objects.get(key) as FakeObject;
      x.push(
        `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      );
    }
    for (const common of commons) x.push(`<CommonPrefixes><Prefix>${xmlEscape(common)}</Prefix></CommonPrefixes>`);
    x.push("</ListBucketResult>");
    return x.join("");
  }
}
