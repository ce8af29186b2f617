import { createHash } from "node:crypto";
import type { Database } from "../db/database";
import {
  decodeCursor,
  encodeCursor,
  type CreateItemInput,
  type Item,
  type ListQuery,
  type UpdateItemInput,
} from "./schema";

/** The idempotency key was used before with a different request body. */
export class IdempotencyConflictError extends Error {
  constructor() {
    super("this Idempotency-Key was already used with a different request body");
    this.name = "IdempotencyConflictError";
  }
}

const COLUMNS: Readonly<Record<keyof CreateItemInput, string>> = {
  name: "name",
  styleNumber: "style_number",
  birthday: "birthday",
  tagGeneration: "tag_generation",
  condition: "condition",
  acquiredOn: "acquired_on",
  pricePaidCents: "price_paid_cents",
  notes: "notes",
  photoUrl: "photo_url",
};

const SELECT = `id, name, style_number AS "styleNumber", birthday, tag_generation AS "tagGeneration", condition,
  acquired_on AS "acquiredOn", price_paid_cents AS "pricePaidCents", notes, photo_url AS "photoUrl",
  created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;

// Same shape as SELECT above, built by PostgreSQL; timestamps formatted like Date#toISOString.
const iso = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const JSON_ITEM = `json_build_object('id', id, 'name', name, 'styleNumber', style_number, 'birthday', birthday,
  'tagGeneration', tag_generation, 'condition', condition, 'acquiredOn', acquired_on, 'pricePaidCents', price_paid_cents,
  'notes', notes, 'photoUrl', photo_url, 'createdAt', ${iso("created_at")}, 'updatedAt', ${iso("updated_at")},
  'deletedAt', ${iso("deleted_at")})`;

export interface ItemPageJson {
  /** The page's items as a JSON array, exactly as the API returns them. */
  readonly json: string;
  readonly total: number;
  readonly nextCursor: string | null;
}

export interface ItemPage {
  readonly items: readonly Item[];
  readonly total: number;
  readonly nextCursor: string | null;
}

export interface CreateResult {
  readonly item: Item;
  readonly replayed: boolean;
}

/** Escapes LIKE wildcards so a search for "100%" finds that text rather than everything. */
const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** All item SQL. Filters are bound parameters; column names come only from the fixed table above. */
export class ItemRepository {
  constructor(private readonly db: Database) {}

  /**
   * One page as a ready JSON array, its filter's total and the next cursor, in one round trip. PostgreSQL builds
   * the JSON so the hot list endpoint neither parses rows nor re-serialises them in Node.
   */
  async listJson(query: ListQuery): Promise<ItemPageJson> {
    const where = [query.deleted ? "deleted_at IS NOT NULL" : "deleted_at IS NULL"];
    const params: unknown[] = [];
    const bind = (v: unknown): string => `$${params.push(v)}`;
    if (query.q !== undefined && query.q !== "") {
      const p = bind(likePattern(query.q));
      where.push(`(name ILIKE ${p} OR notes ILIKE ${p} OR style_number = ${bind(query.q)})`);
    }
    if (query.condition !== undefined) where.push(`condition = ${bind(query.condition)}`);
    if (query.tagGeneration !== undefined) where.push(`tag_generation = ${bind(query.tagGeneration)}`);
    if (query.styleNumber !== undefined) where.push(`style_number = ${bind(query.styleNumber)}`);
    const filter = where.join(" AND ");
    const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const pageWhere = afterId === undefined ? filter : `${filter} AND id < ${bind(afterId)}`;
    // Unfiltered totals come from the trigger-maintained counter (migration 0002); filters narrow a real count.
    const totalSql =
      where.length === 1
        ? `SELECT ${query.deleted ? "deleted" : "live"} FROM item_counts`
        : `SELECT count(*) FROM items WHERE ${filter}`;
    // One row more than the page tells whether another page follows.
    const [row] = await this.db.query<{ total: number; fetched: number; items: string; lastId: number | null }>(
      `WITH fetched AS (SELECT * FROM items WHERE ${pageWhere} ORDER BY id DESC LIMIT ${bind(query.limit + 1)}),
            page AS (SELECT * FROM fetched ORDER BY id DESC LIMIT ${bind(query.limit)})
       SELECT (${totalSql}) AS total,
              (SELECT count(*) FROM fetched) AS fetched,
              coalesce((SELECT json_agg(${JSON_ITEM} ORDER BY id DESC) FROM page), '[]')::text AS items,
              (SELECT min(id) FROM page) AS "lastId"`,
      params,
    );
    if (row === undefined) throw new Error("list query returned no row");
    return {
      json: row.items,
      total: row.total,
      nextCursor: row.fetched > query.limit && row.lastId !== null ? encodeCursor(row.lastId) : null,
    };
  }

  async list(query: ListQuery): Promise<ItemPage> {
    const page = await this.listJson(query);
    return { items: JSON.parse(page.json) as Item[], total: page.total, nextCursor: page.nextCursor };
  }

  async get(id: number): Promise<Item | undefined> {
    return (await this.db.query<Item>(`SELECT ${SELECT} FROM items WHERE id = $1 AND deleted_at IS NULL`, [id]))[0];
  }

  /** Inserts once per idempotency key: a retry (even a concurrent one) gets the first request's item back. */
  async create(input: CreateItemInput, idempotencyKey?: string): Promise<CreateResult> {
    const keys = (Object.keys(input) as (keyof CreateItemInput)[]).filter((k) => input[k] !== undefined);
    const values = keys.map((k) => input[k]);
    const cols = keys.map((k) => COLUMNS[k]);
    if (idempotencyKey === undefined) {
      const placeholders = values.map((_, i) => `$${i + 1}`);
      const [item] = await this.db.query<Item>(
        `INSERT INTO items (${cols.join(", ")}) VALUES (${placeholders.join(", ")}) RETURNING ${SELECT}`,
        values,
      );
      if (item === undefined) throw new Error("INSERT returned no row");
      return { item, replayed: false };
    }
    const hash = createHash("sha256")
      .update(JSON.stringify(keys.map((k) => [k, input[k]])))
      .digest("hex");
    const all = [...cols, "idempotency_key", "request_hash"];
    const params = [...values, idempotencyKey, hash];
    const [inserted] = await this.db.query<Item>(
      `INSERT INTO items (${all.join(", ")}) VALUES (${params.map((_, i) => `$${i + 1}`).join(", ")})
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${SELECT}`,
      params,
    );
    if (inserted !== undefined) return { item: inserted, replayed: false };
    const [existing] = await this.db.query<Item & { requestHash: string }>(
      `SELECT ${SELECT}, request_hash AS "requestHash" FROM items WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    if (existing === undefined) throw new Error("idempotency key conflicted but no row holds it");
    const { requestHash, ...item } = existing;
    if (requestHash !== hash) throw new IdempotencyConflictError();
    return { item, replayed: true };
  }

  async update(id: number, input: UpdateItemInput): Promise<Item | undefined> {
    const keys = (Object.keys(input) as (keyof UpdateItemInput)[]).filter((k) => input[k] !== undefined);
    const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 2}`);
    const rows = await this.db.query<Item>(
      `UPDATE items SET ${[...sets, "updated_at = now()"].join(", ")} WHERE id = $1 AND deleted_at IS NULL RETURNING ${SELECT}`,
      [id, ...keys.map((k) => input[k])],
    );
    return rows[0];
  }

  async softDelete(id: number): Promise<Item | undefined> {
    const sql = `UPDATE items SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING ${SELECT}`;
    return (await this.db.query<Item>(sql, [id]))[0];
  }

  async restore(id: number): Promise<Item | undefined> {
    const sql = `UPDATE items SET deleted_at = NULL, updated_at = now() WHERE id = $1 AND deleted_at IS NOT NULL RETURNING ${SELECT}`;
    return (await this.db.query<Item>(sql, [id]))[0];
  }
}
