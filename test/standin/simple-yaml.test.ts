// The stand-in's YAML fast path (backend/simple-yaml.ts) against the `yaml` package itself: on what it accepts it
// gives the package's answer (parse) and bytes (stringify); everything else it declines, so the package decides.
import * as crypto from "node:crypto";
import * as YAML from "yaml";
import { parseYaml } from "../support/standin/backend/project";
import { parseSimpleYaml, stringifySimpleYaml } from "../support/standin/backend/simple-yaml";

const salt = (): string =>
  `v1:${crypto.randomBytes(8).toString("base64")}:v1:${crypto.randomBytes(12).toString("base64")}:${crypto.randomBytes(22).toString("base64")}`;

/** Stack config files as the stand-in writes them (the first five: the fast path must take them), then values that
 * must not be taken for plain strings. */
const VALUES: unknown[] = [
  { encryptionsalt: salt() },
  { encryptionsalt: salt(), config: { "aws:region": "us-east-1" } },
  { encryptionsalt: salt(), config: {} },
  {
    secretsprovider: "passphrase",
    encryptionsalt: salt(),
    config: {
      "tenantctl-tenants:db": { secure: salt() },
      "tenantctl-tenants:tier": "basic",
      "aws:defaultTags": { tags: { tenant: "acme", env: "dev" } },
    },
  },
  { config: { "p:nested": { a: { b: { c: "d" } }, e: {} } } },
  { config: { "p:k": "true" } },
  { config: { "p:k": "null" } },
  { config: { "p:k": "Yes" } },
  { config: { "p:k": "123" } },
  { config: { "p:k": "1e3" } },
  { config: { "p:k": "0x1F" } },
  { config: { "p:k": ".inf" } },
  { config: { "p:k": "~" } },
  { config: { "p:k": "" } },
  { config: { "p:k": "two words" } },
  { config: { "p:k": "a #b" } },
  { config: { "p:k": "x: y" } },
  { config: { "p:k": "ends:" } },
  { config: { "p:k": "-dash" } },
  { config: { "p:k": "@at" } },
  { config: { "p:k": "a'b" } },
  { config: { "p:k": 'a"b' } },
  { config: { "p:k": "[x]" } },
  { config: { "p:k": "é" } },
  { config: { "p:k": "a\nb" } },
  { config: { "p:k": 1 } },
  { config: { "p:k": true } },
  { config: { "p:k": null } },
  { config: { "p:k": ["a", "b"] } },
  { config: { "p:k": "x".repeat(200) } },
  { config: { "p:k": `a${"=/+.-_@:".repeat(30)}` } },
  { "key with space": "v" },
  {},
];

describe("simple-yaml (the stand-in's YAML fast path)", () => {
  it("writes exactly what YAML.stringify writes, or declines", () => {
    const taken: number[] = [];
    VALUES.forEach((value, i) => {
      const fast = stringifySimpleYaml(value);
      if (fast === undefined) return;
      taken.push(i);
      expect(fast).toBe(YAML.stringify(value));
    });
    expect(taken).toEqual(expect.arrayContaining([0, 1, 2, 3, 4]));
  });

  it("reads what YAML.parse reads, or declines, for the package's own output and hand-written variants", () => {
    const texts = VALUES.map((v) => YAML.stringify(v));
    texts.push(
      "",
      "\n",
      "# a comment\nconfig: {}\n",
      "config:\n  a: b\n",
      "config:\n    a: b\n",
      "config:\n  a: b\n b: c\n",
      "config:\n  a: b\n  a: c\n",
      "config:\n",
      "a: b\nconfig:\n  x:\n    y: z\n  w: v\nq: r\n",
      "a: b",
      "a: b\r\n",
      "a:\tb\n",
      "a: 'b'\n",
      "a: b # c\n",
      "- a\n- b\n",
      "a: &x b\nc: *x\n",
      "---\na: b\n",
      "a: !!str b\n",
      "a:  b\n",
      "a: b \n",
      "a : b\n",
    );
    const taken: number[] = [];
    texts.forEach((text, i) => {
      const fast = parseSimpleYaml(text);
      if (fast === undefined) return;
      taken.push(i);
      expect(fast).toEqual(YAML.parse(text));
    });
    expect(taken).toEqual(expect.arrayContaining([0, 1, 2, 3, 4]));
  });

  it("parseYaml reads JSON and anything else the package reads, with the package's errors", () => {
    const json = JSON.stringify({ name: "p", runtime: "nodejs", backend: { url: "file:///x" } }, null, 2);
    expect(parseYaml(json)).toEqual(YAML.parse(json));
    expect(parseYaml("{a: b}")).toEqual({ a: "b" });
    expect(parseYaml("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n")).toEqual({
      name: "p",
      runtime: { name: "nodejs", options: { typescript: false } },
    });
    expect(() => parseYaml("a: b\na: c\n")).toThrow(/unique/);
  });
});
