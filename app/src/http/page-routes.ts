import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Skin } from "../config";
import type { IdentitySource } from "../identity";
import { formFieldFor, formToCreateInput } from "../items/form";
import { IdempotencyConflictError, type ItemRepository } from "../items/repository";
import { CreateItemSchema, decodeCursor, fieldErrors, type ListQuery } from "../items/schema";
import { tokensMatch } from "./auth";
import { renderPage, type PageModel } from "./page-view";

export interface PageRoutesOptions {
  readonly items: ItemRepository;
  readonly adminToken: string;
  readonly identity: IdentitySource;
}

/** The assigned tenant's skin; the onRequest hook in app.ts has already turned unassigned slots away. */
async function currentSkin(identity: IdentitySource): Promise<Skin> {
  const current = await identity.current();
  if (current.state === "unassigned") throw new Error("page requested while unassigned");
  return current.skin;
}

const PAGE_SIZE = 24;

// Inline styles only; no script may run, so a stored payload that escaped escaping would still be inert.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const PageQuerySchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  cursor: z.string().max(40).optional().catch(undefined),
  added: z
    .string()
    .regex(/^\d{1,16}$/)
    .optional()
    .catch(undefined),
});

const FormSchema = z.record(z.string(), z.union([z.string(), z.array(z.string()).transform((a) => a[0] ?? "")]));

/** The server-rendered page at / and the add form's POST target, for people without the API. */
export async function pageRoutes(app: FastifyInstance, opts: PageRoutesOptions): Promise<void> {
  const render = async (
    reply: FastifyReply,
    status: number,
    query: { q?: string | undefined; cursor?: string | undefined },
    extra: Partial<PageModel> = {},
  ) => {
    const cursor = query.cursor !== undefined && decodeCursor(query.cursor) !== undefined ? query.cursor : undefined;
    const listQuery: ListQuery = { limit: PAGE_SIZE, deleted: false, q: query.q, cursor };
    const page = await opts.items.list(listQuery);
    const html = renderPage({
      skin: await currentSkin(opts.identity),
      page,
      search: query.q,
      cursor,
      formKey: randomUUID(),
      ...extra,
    });
    return reply.code(status).header("content-security-policy", CSP).type("text/html; charset=utf-8").send(html);
  };

  app.get("/", async (request, reply) => {
    const query = PageQuerySchema.parse(request.query ?? {});
    const notice = query.added === undefined ? undefined : "Added to the collection.";
    return render(reply, 200, query, notice === undefined ? {} : { notice });
  });

  app.post("/items", async (request, reply) => {
    const parsedForm = FormSchema.safeParse(request.body ?? {});
    const form: Record<string, string> = parsedForm.success ? parsedForm.data : {};
    const { token, formKey, ...values } = form;
    if (token === undefined || !tokensMatch(token, opts.adminToken)) {
      return render(reply, 401, {}, { values, errors: { token: "is not this collection's admin token" } });
    }
    const { input, errors } = formToCreateInput(values);
    const parsed = CreateItemSchema.safeParse(input);
    const allErrors = { ...errors };
    if (!parsed.success)
      for (const [k, v] of Object.entries(fieldErrors(parsed.error))) allErrors[formFieldFor(k)] ??= v;
    if (!parsed.success || Object.keys(errors).length > 0) return render(reply, 400, {}, { values, errors: allErrors });
    try {
      const key = formKey !== undefined && /^[0-9a-f-]{36}$/.test(formKey) ? `form:${formKey}` : undefined;
      const { item } = await opts.items.create(parsed.data, key);
      // Post/Redirect/Get: reloading the result page does not resubmit the form.
      return reply.code(303).header("location", `/?added=${item.id}`).send();
    } catch (err) {
      if (!(err instanceof IdempotencyConflictError)) throw err;
      return render(
        reply,
        409,
        {},
        { values, errors: { name: "this form was already submitted with different values; reload and try again" } },
      );
    }
  });
}
