import { z } from "zod";

export const CONDITIONS = ["mint", "near_mint", "excellent", "good", "fair", "poor"] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface Item {
  readonly id: number;
  readonly name: string;
  readonly styleNumber: string | null;
  readonly birthday: string | null;
  readonly tagGeneration: number | null;
  readonly condition: Condition;
  readonly acquiredOn: string | null;
  readonly pricePaidCents: number | null;
  readonly notes: string | null;
  readonly photoUrl: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

const isoDate = z.iso.date("must be a date like 1996-06-03");

/** The writable fields. Optional ones accept null on update to clear them. */
const fields = {
  name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  styleNumber: z
    .string()
    .trim()
    .regex(/^\d{3,6}$/, "must be 3 to 6 digits, e.g. 4032")
    .nullable(),
  birthday: isoDate.nullable(),
  tagGeneration: z
    .number()
    .int("must be a whole number")
    .min(1, "must be 1 to 20")
    .max(20, "must be 1 to 20")
    .nullable(),
  condition: z.enum(CONDITIONS, `must be one of ${CONDITIONS.join(", ")}`),
  acquiredOn: isoDate.nullable(),
  pricePaidCents: z
    .number()
    .int("must be whole cents")
    .min(0, "must not be negative")
    .max(100_000_000_00, "must be at most 10000000000 cents")
    .nullable(),
  notes: z.string().max(2000, "must be at most 2000 characters").nullable(),
  photoUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048, "must be at most 2048 characters")
    .nullable(),
};

export const CreateItemSchema = z.strictObject({
  name: fields.name,
  styleNumber: fields.styleNumber.optional(),
  birthday: fields.birthday.optional(),
  tagGeneration: fields.tagGeneration.optional(),
  condition: fields.condition.optional(),
  acquiredOn: fields.acquiredOn.optional(),
  pricePaidCents: fields.pricePaidCents.optional(),
  notes: fields.notes.optional(),
  photoUrl: fields.photoUrl.optional(),
});
export type CreateItemInput = z.infer<typeof CreateItemSchema>;

export const UpdateItemSchema = CreateItemSchema.partial().refine((v) => Object.keys(v).length > 0, {
  message: "must change at least one field",
});
export type UpdateItemInput = z.infer<typeof UpdateItemSchema>;

export const ListQuerySchema = z.strictObject({
  limit: z.coerce
    .number<string>()
    .int("must be a whole number")
    .min(1, "must be 1 to 100")
    .max(100, "must be 1 to 100")
    .default(20),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "is not a cursor from a previous page")
    .optional(),
  q: z.string().trim().max(100, "must be at most 100 characters").optional(),
  condition: fields.condition.optional(),
  tagGeneration: z.coerce.number<string>().pipe(fields.tagGeneration.unwrap()).optional(),
  styleNumber: fields.styleNumber.unwrap().optional(),
  deleted: z
    .enum(["true", "false"], "must be true or false")
    .transform((v) => v === "true")
    .default(false),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

export const IdParamSchema = z.strictObject({
  id: z.coerce
    .number<string>()
    .int("must be a positive whole number")
    .positive("must be a positive whole number")
    .max(Number.MAX_SAFE_INTEGER),
});

export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, "must be 1 to 200 visible ASCII characters");

function typeMessage(issue: z.core.$ZodIssueInvalidType): string {
  // zod reports a missing key as a type mismatch against undefined; say what a person would.
  if (/received undefined$/.test(issue.message)) return "is required";
  return `must be ${issue.expected === "number" ? "a number" : issue.expected === "string" ? "text" : issue.expected}`;
}

/** One message per field, the shape every 400 uses: `{ fields: { name: "must not be empty" } }`. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const keys =
      issue.code === "unrecognized_keys" ? issue.keys : [issue.path.length > 0 ? issue.path.join(".") : "body"];
    const message =
      issue.code === "unrecognized_keys"
        ? "is not a known field"
        : issue.code === "invalid_type"
          ? typeMessage(issue)
          : issue.message;
    for (const key of keys) out[key] ??= message;
  }
  return out;
}

/** Opaque keyset cursor: the last id of the page, base64url so clients do not build their own. */
export const encodeCursor = (lastId: number): string => Buffer.from(`i:${lastId}`).toString("base64url");

export function decodeCursor(cursor: string): number | undefined {
  const m = /^i:(\d{1,16})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  const id = m === null ? NaN : Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
