import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A password-checking front for the trust-auth test server. It asks the client for a cleartext password, refuses
 * a wrong one exactly as PostgreSQL does (SQLSTATE 28P01), and otherwise pipes the session to the real server.
 * Changing `password` plays the part of RDS rotating the managed secret.
 */
export class AuthProxy {
  password: string;
  accepted = 0;
  rejected = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    password: string,
    private readonly upstream: { host: string; port: number },
  ) {
    this.password = password;
    this.server = createServer((socket) => this.handle(socket));
  }

  static async start(password: string, upstreamUrl: string): Promise<AuthProxy> {
    const url = new URL(upstreamUrl);
    const proxy = new AuthProxy(password, { host: url.hostname, port: Number(url.port || 5432) });
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Cuts every open session, so the pool has to log in again. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(client: Socket): void {
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => undefined);
    let buffered = Buffer.alloc(0);
    let startup: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (startup === undefined) {
        if (buffered.length < 8) return;
        const len = buffered.readInt32BE(0);
        if (buffered.length < len) return;
        const message = buffered.subarray(0, len);
        buffered = buffered.subarray(len);
        if (len === 8 && message.readInt32BE(4) === 80877103) {
          client.write("N"); // SSLRequest: no TLS here
          return;
        }
        startup = message;
        client.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
      }
      if (buffered.length < 5 || buffered[0] !== 0x70) return;
      const len = buffered.readInt32BE(1);
      if (buffered.length < len + 1) return;
      const given = buffered.subarray(5, len).toString("utf8").replace(/\0$/, "");
      const rest = buffered.subarray(len + 1);
      client.off("data", onData);
      if (given !== this.password) {
        this.rejected += 1;
        client.end(errorResponse("28P01", "password authentication failed"));
        return;
      }
      this.accepted += 1;
      const server = createConnection(this.upstream, () => {
        server.write(startup ?? Buffer.alloc(0));
        if (rest.length > 0) server.write(rest);
        client.pipe(server);
        server.pipe(client);
      });
      this.sockets.add(server);
      server.on("close", () => {
        this.sockets.delete(server);
        client.destroy();
      });
      server.on("error", () => client.destroy());
      client.on("close", () => server.destroy());
    };
    client.on("data", onData);
  }
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[
      ["S", "FATAL"],
      ["V", "FATAL"],
      ["C", code],
      ["M", message],
    ].map(([k, v]) => Buffer.from(`${k}${v}\0`, "utf8")),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write("E", 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}
