import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import type { Skin } from "./config";
import { SecretFormatError } from "./secrets";

/**
 * Who this task serves. Tenants from before the warm pool have it in their environment (fixed); a pool-born tenant
 * reads it from its identity secret at run time, so claiming a warm slot (which rewrites that secret) reaches the
 * running tasks without a new task definition or a restart. An unassigned slot serves only /healthz and /readyz.
 */
export type Identity =
  | { readonly state: "unassigned"; readonly tenantId: string }
  | { readonly state: "assigned"; readonly tenantId: string | undefined; readonly slug: string; readonly skin: Skin };

export interface IdentitySource {
  /** The identity to serve with; may re-read it (see RuntimeIdentity). Rejects only when none was ever read. */
  current(): Promise<Identity>;
}

export function staticIdentity(slug: string, skin: Skin): IdentitySource {
  const identity: Identity = { state: "assigned", tenantId: undefined, slug, skin };
  return { current: () => Promise.resolve(identity) };
}

// The document infra/tenant/identity.ts writes; checked strictly because the skin goes into the page's CSS and markup.
const IdentitySchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("unassigned"), tenantId: z.string().min(1) }),
  z.object({
    state: z.literal("assigned"),
    tenantId: z.string().min(1),
    slug: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
    displayName: z.string().trim().min(1).max(100),
    primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    logoUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
]);

export async function readIdentity(client: SecretsManagerClient, arn: string): Promise<Identity> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (out.SecretString === undefined) throw new SecretFormatError(arn, "has no SecretString");
  let json: unknown;
  try {
    json = JSON.parse(out.SecretString);
  } catch {
    throw new SecretFormatError(arn, "identity is not JSON");
  }
  const parsed = IdentitySchema.safeParse(json);
  if (!parsed.success)
    throw new SecretFormatError(
      arn,
      `identity is not a valid document (${parsed.error.issues.map((i) => i.path.join(".") || "document").join(", ")})`,
    );
  const d = parsed.data;
  if (d.state === "unassigned") return d;
  return {
    state: "assigned",
    tenantId: d.tenantId,
    slug: d.slug,
    skin: { displayName: d.displayName, primaryColor: d.primaryColor, logoUrl: d.logoUrl },
  };
}

export interface RuntimeIdentityOptions {
  /** How long an assigned identity is served before it is read again (display name or skin changed by an update). */
  readonly maxAgeMs: number;
  /**
   * How soon an unassigned slot reads again when a request arrives: the claim's listener rule may route the first
   * request before the next periodic read, and that request must not be turned away for long.
   */
  readonly unassignedRetryMs: number;
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Caches the identity and re-reads it when stale. A failed read keeps serving the last identity read (Secrets
 * Manager being unreachable must not take a serving tenant down); concurrent callers share one read.
 */
export class RuntimeIdentity implements IdentitySource {
  private last: { identity: Identity; at: number } | undefined;
  private pending: Promise<Identity> | undefined;
  private reads = 0;
  private readonly now: () => number;

  constructor(
    private readonly load: () => Promise<Identity>,
    private readonly opts: RuntimeIdentityOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async current(): Promise<Identity> {
    const last = this.last;
    if (last !== undefined) {
      const age = this.now() - last.at;
      const limit = last.identity.state === "assigned" ? this.opts.maxAgeMs : this.opts.unassignedRetryMs;
      if (age < limit) return last.identity;
    }
    return this.read();
  }

  private read(): Promise<Identity> {
    this.pending ??= (async () => {
      this.reads += 1;
      try {
        const identity = await this.load();
        this.last = { identity, at: this.now() };
        return identity;
      } catch (err) {
        if (this.last === undefined) throw err;
        this.opts.onError?.(err);
        // Wait a full period before trying again, serving what was last read.
        this.last = { identity: this.last.identity, at: this.now() };
        return this.last.identity;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /** How many times the secret was read; for logs and tests. */
  get readCount(): number {
    return this.reads;
  }
}
