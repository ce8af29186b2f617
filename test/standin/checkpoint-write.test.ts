/**
 * An operation writes its checkpoint after every step with the resources rendered by resourcesJson (each state once);
 * the file must be byte for byte what rendering the whole encrypted checkpoint writes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Crypter } from "../support/standin/backend/crypto";
import type { Deployment, ResourceState } from "../support/standin/backend/state";
import { encryptDeployment, newManifest, resourcesJson } from "../support/standin/backend/state";
import { Store } from "../support/standin/backend/store";
import { secret } from "../support/standin/engine/values";

describe("stand-in checkpoint writes during an operation", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "standin-checkpoint-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const store = new Store(root, `file://${root}`);
  const { crypter, salt } = Crypter.create("checkpoint-write");
  const ref = { project: "p", stack: "s" };
  const config = { "p:name": "x", "p:token": { secure: "v1:abc" } };

  const resource = (name: string, extra: Partial<ResourceState> = {}): ResourceState => ({
    urn: `urn:pulumi:s::p::aws:s3/bucket:Bucket::${name}`,
    custom: true,
    id: `${name}-id`,
    type: "aws:s3/bucket:Bucket",
    inputs: { bucket: name, tags: { a: "b" }, password: secret("hunter2"), list: [1, secret({ deep: [true] })] },
    outputs: { arn: `arn:aws:s3:::${name}`, nested: { token: secret("t"), empty: {}, none: [] }, gone: undefined },
    parent: undefined,
    dependencies: [],
    ...extra,
  });

  /** Both ways of writing `d`; returns the two files. */
  const both = (d: Deployment, render: ReturnType<typeof resourcesJson>): [string, string] => {
    const withSalt: Deployment = { ...d, secrets_providers: { type: "passphrase", state: { salt } } };
    store.write(ref, encryptDeployment(withSalt, crypter, { resources: false }), config, render);
    const rendered = fs.readFileSync(store.stackFile(ref), "utf8");
    store.write(ref, encryptDeployment(withSalt, crypter), config);
    return [rendered, fs.readFileSync(store.stackFile(ref), "utf8")];
  };

  it("writes the same bytes as the whole checkpoint rendered at once, step after step", () => {
    const render = resourcesJson(crypter);
    const a = resource("a");
    const b = resource("b", { protect: true, propertyDependencies: { bucket: [a.urn] } });
    const steps: Deployment[] = [
      { manifest: newManifest(), resources: [] },
      { manifest: newManifest(), resources: [a], pending_operations: [{ resource: b, type: "creating" }] },
      { manifest: newManifest(), resources: [a, b] },
      { manifest: newManifest(), resources: [{ ...a, delete: true }, b, { ...a, outputs: { arn: "new" } }] },
    ];
    for (const d of steps) {
      const [rendered, whole] = both(d, render);
      expect(rendered).toBe(whole);
    }
    // A state changed in place is rendered again, not taken from before.
    (b.outputs.nested as Record<string, unknown>).token = secret("changed");
    const [rendered, whole] = both({ manifest: newManifest(), resources: [a, b] }, render);
    expect(rendered).toBe(whole);
    expect(JSON.parse(rendered).checkpoint.latest.resources[1].outputs.nested.token.ciphertext).toBeDefined();
    expect(rendered).not.toContain("hunter2");
  });

  it("writes a checkpoint with no deployment or no resources as before", () => {
    const render = resourcesJson(crypter);
    const [rendered, whole] = both({ manifest: newManifest() }, render);
    expect(rendered).toBe(whole);
    store.write(ref, null, config, render);
    expect(fs.readFileSync(store.stackFile(ref), "utf8")).toBe(
      JSON.stringify({ version: 3, checkpoint: { stack: "organization/p/s", config, latest: null } }, null, 4),
    );
  });
});
