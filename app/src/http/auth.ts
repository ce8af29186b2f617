import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * Constant-time comparison. Hashing first gives both sides the same length, so neither the content nor the
 * length of the real token leaks through timing.
 */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}

/** The token from `Authorization: Bearer <token>`, or undefined when the header is absent or of another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  return m?.[1];
}

/** preHandler for every write: 401 unless the request carries the tenant's admin token. */
export function requireAdmin(adminToken: string): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = bearerToken(request.headers.authorization);
    if (given === undefined || !tokensMatch(given, adminToken)) {
      await reply.code(401).header("www-authenticate", 'Bearer realm="admin"').send({
        error: "unauthorized",
        message: "this operation needs the admin token as 'Authorization: Bearer <token>'",
      });
    }
  };
}
