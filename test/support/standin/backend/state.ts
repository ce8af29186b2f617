import type { PropertyMap } from "../engine/values";
import { mapSecrets, SECRET_SIG, SIG_KEY } from "../engine/values";
import type { Crypter } from "./crypto";
import { CliError } from "../errors";

/** One resource in a deployment, as apitype.ResourceV3 spells it in the checkpoint. */
export interface ResourceState {
  urn: string;
  custom: boolean;
  delete?: boolean;
  id?: string;
  type: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  parent?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  external?: boolean;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: string;
  deletedWith?: string;
  additionalSecretOutputs?: string[];
  created?: string;
  modified?: string;
}

export interface PendingOperation {
  resource: ResourceState;
  type: "creating" | "updating" | "deleting" | "reading";
}

export interface Deployment {
  manifest: { time: string; magic: string; version: string };
  secrets_providers?: { type: string; state: { salt: string } };
  resources?: ResourceState[];
  pending_operations?: PendingOperation[];
}

/** `.pulumi/stacks/<project>/<stack>.json` */
export interface Checkpoint {
  version: 3;
  checkpoint: { stack: string; config?: Record<string, unknown>; latest?: Deployment | null };
}

export const STANDIN_VERSION = "3.248.0";

export function newManifest(): Deployment["manifest"] {
  return { time: new Date().toISOString(), magic: "", version: `v${STANDIN_VERSION}` };
}

type SecretCodec = (s: Record<string, unknown>) => unknown;

function mapResource(r: ResourceState, fn: SecretCodec): ResourceState {
  return { ...r, inputs: mapSecrets(r.inputs, fn) as PropertyMap, outputs: mapSecrets(r.outputs, fn) as PropertyMap };
}

function mapResources(d: Deployment, fn: SecretCodec, resources = true): Deployment {
  return {
    ...d,
    resources: resources ? d.resources?.map((r) => mapResource(r, fn)) : d.resources,
    pending_operations: d.pending_operations?.map((p) => ({ ...p, resource: mapResource(p.resource, fn) })),
  };
}

/**
 * Ciphertexts already made in this process, by secret: an operation writes the checkpoint after every step, and
 * re-encrypting every secret of the stack each time was a good part of a step's cost. A secret keeps its ciphertext
 * while its plaintext and the crypter are unchanged (each new secret still gets a fresh random nonce).
 */
const ciphertexts = new WeakMap<object, { crypter: Crypter; plaintext: string; ciphertext: string }>();

function encryptSecrets(crypter: Crypter): SecretCodec {
  return (s) => {
    const plaintext = JSON.stringify(s.value);
    const known = ciphertexts.get(s);
    if (known?.crypter === crypter && known.plaintext === plaintext)
      return { [SIG_KEY]: SECRET_SIG, ciphertext: known.ciphertext };
    const ciphertext = crypter.encrypt(plaintext);
    ciphertexts.set(s, { crypter, plaintext, ciphertext });
    return { [SIG_KEY]: SECRET_SIG, ciphertext };
  };
}

/**
 * In-memory secrets `{sig, value}` → on-disk `{sig, ciphertext}`; the state file never holds plaintext secrets. With
 * `resources: false` the `resources` array is left as it is, for a ResourcesJson (resourcesJson) to render.
 */
export function encryptDeployment(d: Deployment, crypter: Crypter, opts: { resources?: boolean } = {}): Deployment {
  return mapResources(d, encryptSecrets(crypter), opts.resources ?? true);
}

/**
 * Renders a deployment's `resources` (in-memory form) as `JSON.stringify(checkpoint, null, 4)` renders them
 * encrypted, where the line of the `resources` key is indented by `indent`: Store.write takes it to write the rest.
 */
export type ResourcesJson = (resources: ResourceState[], indent: string) => string;

/**
 * The ResourcesJson of one operation, which writes its checkpoint after every step: the whole checkpoint each time,
 * so secret-mapping and rendering every resource again made each write cost as much as the stack is large. A resource
 * whose state (compared as plain JSON, so a changed one is never missed) was rendered before keeps its text.
 */
export function resourcesJson(crypter: Crypter): ResourcesJson {
  const encrypt = encryptSecrets(crypter);
  const rendered = new Map<string, { indent: string; text: string }>();
  return (resources, indent) => {
    if (resources.length === 0) return "[]";
    const item = `\n${indent}    `;
    const texts = resources.map((r) => {
      const plain = JSON.stringify(r);
      const known = rendered.get(plain);
      if (known?.indent === indent) return known.text;
      const text = JSON.stringify(mapResource(r, encrypt), null, 4).replace(/\n/g, item);
      rendered.set(plain, { indent, text });
      return text;
    });
    return `[${item}${texts.join(`,${item}`)}\n${indent}]`;
  };
}

export function decryptDeployment(d: Deployment, crypter: Crypter): Deployment {
  return mapResources(d, (s) => {
    if (typeof s.ciphertext === "string")
      return { [SIG_KEY]: SECRET_SIG, value: JSON.parse(crypter.decrypt(s.ciphertext)) };
    if (typeof s.plaintext === "string") return { [SIG_KEY]: SECRET_SIG, value: JSON.parse(s.plaintext) };
    if ("value" in s) return s;
    throw new CliError("malformed secret in deployment: neither ciphertext nor plaintext");
  });
}

/** `stack export --show-secrets` form: `{sig, plaintext: "<JSON>"}`. */
export function plaintextDeployment(d: Deployment): Deployment {
  return mapResources(d, (s) => ({ [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(s.value) }));
}

export function deploymentHasSecrets(d: Deployment): boolean {
  let found = false;
  mapResources(d, (s) => {
    found = true;
    return s;
  });
  return found;
}
