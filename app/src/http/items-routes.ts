import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodType } from "zod";
import { IdempotencyConflictError, type ItemRepository } from "../items/repository";
import {
  CreateItemSchema,
  IdParamSchema,
  IdempotencyKeySchema,
  ListQuerySchema,
  UpdateItemSchema,
  decodeCursor,
  type Item,
} from "../items/schema";
import { requireAdmin } from "./auth";
import { validationBody } from "./errors";

export interface ItemsRoutesOptions {
  readonly items: ItemRepository;
  readonly adminToken: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false };

/** Parses with zod and, on failure, has already sent the 400 with a message per field. */
async function parse<T>(schema: ZodType<T>, input: unknown, where: string, reply: FastifyReply): Promise<Parsed<T>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  await reply.code(400).send(validationBody(result.error, where));
  return { ok: false };
}

const notFound = (reply: FastifyReply, id: number, what = "item") =>
  reply.code(404).send({ error: "not_found", message: `no ${what} with id ${id}` });

/** The JSON collection API under /api/items. Reads are public to the tenant; writes need the admin token. */
export async function itemsRoutes(app: FastifyInstance, opts: ItemsRoutesOptions): Promise<void> {
  const { items } = opts;
  const admin = { preHandler: requireAdmin(opts.adminToken) };

  app.get("/api/items", async (request, reply) => {
    const query = await parse(ListQuerySchema, request.query, "query", reply);
    if (!query.ok) return reply;
    if (query.value.cursor !== undefined && decodeCursor(query.value.cursor) === undefined) {
      return reply.code(400).send({
        error: "validation_failed",
        message: "invalid query: cursor is not a cursor from a previous page",
        fields: { cursor: "is not a cursor from a previous page" },
      });
    }
    const page = await items.listJson(query.value);
    return reply
      .header("x-total-count", String(page.total))
      .type("application/json; charset=utf-8")
      .send(`{"items":${page.json},"nextCursor":${JSON.stringify(page.nextCursor)}}`);
  });

  app.get("/api/items/:id", async (request, reply) => {
    const params = await parse(IdParamSchema, request.params, "path", reply);
    if (!params.ok) return reply;
    const item = await items.get(params.value.id);
    return item === undefined ? notFound(reply, params.value.id) : reply.send(item);
  });

  app.post("/api/items", admin, async (request, reply) => {
    const rawKey = request.headers["idempotency-key"];
    const key =
      rawKey === undefined
        ? { ok: true as const, value: undefined }
        : await parse(IdempotencyKeySchema, rawKey, "Idempotency-Key header", reply);
    if (!key.ok) return reply;
    const body = await parse(CreateItemSchema, request.body, "item", reply);
    if (!body.ok) return reply;
    try {
      const { item, replayed } = await items.create(body.value, key.value);
      if (replayed) void reply.header("idempotent-replayed", "true");
      return reply.code(201).header("location", `/api/items/${item.id}`).send(item);
    } catch (err) {
      if (err instanceof IdempotencyConflictError)
        return reply.code(422).send({ error: "idempotency_key_reused", message: err.message });
      throw err;
    }
  });

  app.patch("/api/items/:id", admin, async (request, reply) => {
    const params = await parse(IdParamSchema, request.params, "path", reply);
    if (!params.ok) return reply;
    const body = await parse(UpdateItemSchema, request.body, "item", reply);
    if (!body.ok) return reply;
    const item = await items.update(params.value.id, body.value);
    return item === undefined ? notFound(reply, params.value.id) : reply.send(item);
  });

  app.delete("/api/items/:id", admin, async (request, reply) => {
    const params = await parse(IdParamSchema, request.params, "path", reply);
    if (!params.ok) return reply;
    const item: Item | undefined = await items.softDelete(params.value.id);
    return item === undefined ? notFound(reply, params.value.id) : reply.send(item);
  });

  app.post("/api/items/:id/restore", admin, async (request, reply) => {
    const params = await parse(IdParamSchema, request.params, "path", reply);
    if (!params.ok) return reply;
    const item = await items.restore(params.value.id);
    return item === undefined ? notFound(reply, params.value.id, "deleted item") : reply.send(item);
  });
}
