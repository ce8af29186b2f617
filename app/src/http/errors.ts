import type { FastifyError, FastifyInstance } from "fastify";
import type { ZodError } from "zod";
import { fieldErrors } from "../items/schema";

/** The body of every 400 caused by input: a message per field. */
export function validationBody(error: ZodError, where: string) {
  const fields = fieldErrors(error);
  return {
    error: "validation_failed",
    message: `invalid ${where}: ${Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join("; ")}`,
    fields,
  };
}

const CLIENT_ERRORS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_body",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_body",
};

/** JSON errors everywhere, including for routes that do not exist and for fastify's own parser failures. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .send({ error: "not_found", message: `no route for ${request.method} ${request.url.split("?")[0] ?? ""}` }),
  );
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, "request failed");
      return reply
        .code(500)
        .send({ error: "internal", message: "internal error; the request id is in the x-request-id header" });
    }
    const code = err.code === undefined ? undefined : CLIENT_ERRORS[err.code];
    if (code === "invalid_body") {
      return reply
        .code(400)
        .send({ error: "validation_failed", message: err.message, fields: { body: "must be a JSON object" } });
    }
    const error = code ?? (status === 429 ? "rate_limited" : "bad_request");
    return reply.code(status).send({ error, message: err.message });
  });
}
