import { SpecValidationError } from "../../infra/errors";
import { DEFAULT_LOAD_BALANCER_ID, parseTenantSpec, type TenantSpecInput } from "../../infra/spec";

const base: TenantSpecInput = {
  slug: "acme",
  displayName: "ACME Corp",
  env: "dev",
  tier: "standard",
  skin: { primaryColor: "#1a73e8" },
  image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app@sha256:" + "a".repeat(64),
  listenerPriority: 100,
};

function problems(input: unknown): readonly string[] {
  try {
    parseTenantSpec(input);
  } catch (error) {
    if (error instanceof SpecValidationError) return error.problems;
    throw error;
  }
  throw new Error("expected a SpecValidationError");
}

describe("parseTenantSpec", () => {
  it("fills defaults and keeps optional fields absent rather than undefined", () => {
    const spec = parseTenantSpec(base);
    expect(spec.loadBalancer).toBe(DEFAULT_LOAD_BALANCER_ID);
    expect(spec.generation).toBe(1);
    expect(Object.keys(spec)).not.toContain("preview");
    expect(parseTenantSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it.each([`O'Brien & "Sons"`, "株式会社テスト", "Zoë's Café ☕", "😀".repeat(50), "<b>x</b>"])(
    "accepts the display name %j unchanged",
    (displayName) => {
      expect(parseTenantSpec({ ...base, displayName }).displayName).toBe(displayName);
    },
  );

  it("accepts a preview only with tier preview", () => {
    const preview = { branch: "feature/x", expiresAt: "2026-12-01T00:00:00Z" };
    expect(parseTenantSpec({ ...base, tier: "preview", preview }).preview).toEqual(preview);
    expect(problems({ ...base, tier: "basic", preview })).toEqual([
      expect.stringMatching(/^tier: "basic" cannot carry a preview \(allowed: tier "preview"/),
    ]);
    expect(problems({ ...base, tier: "preview" })).toEqual([expect.stringMatching(/^tier: "preview" needs preview/)]);
  });

  it.each([
    ["slug", "Bad Slug", /^slug: "Bad Slug" .*\(allowed: 3-21 lowercase/],
    ["slug", "admin", /^slug: "admin" is reserved/],
    ["displayName", "", /^displayName: "" has 0 characters \(allowed: 1-100/],
    ["displayName", "x".repeat(101), /^displayName: "x{101}" has 101 characters/],
    ["displayName", "   ", /^displayName: " {3}" is blank/],
    ["displayName", "a\u0007b", /^displayName: .* contains a control character/],
    ["env", "Prod", /^env: "Prod" is not an environment name \(allowed:/],
    ["tier", "gold", /^tier: "gold" is not a tier \(allowed: basic, standard, premium, preview\)/],
    ["image", "nginx", /^image: "nginx" has neither a tag nor a digest \(allowed:/],
    ["image", "UPPER/case:1", /^image: "UPPER\/case:1" is not a container image reference/],
    ["owner", "not-an-email", /^owner: "not-an-email" is not an email address \(allowed:/],
    ["listenerPriority", 0, /^listenerPriority: 0 is out of range \(allowed: an integer 1-50000\)/],
    ["listenerPriority", 50001, /^listenerPriority: 50001 is out of range/],
    ["listenerPriority", 1.5, /^listenerPriority: 1.5 is out of range/],
    ["listenerPriority", "7", /^listenerPriority: "7" is not a number/],
    ["loadBalancer", "main", /^loadBalancer: "main" is not a load balancer id \(allowed: alb-0/],
    ["generation", 0, /^generation: 0 is out of range \(allowed: an integer 1-999\)/],
    ["pinnedImage", "nope", /^pinnedImage: "nope" has neither a tag nor a digest/],
    ["restoreFromSnapshot", "bad--id", /^restoreFromSnapshot: "bad--id" is not an RDS snapshot identifier/],
  ] as const)("rejects %s = %j with the value and what is allowed", (field, value, message) => {
    expect(problems({ ...base, [field]: value })).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    [{ primaryColor: "red" }, /^skin.primaryColor: "red" is not a colour \(allowed: #rrggbb/],
    [
      { primaryColor: "#123456", logoUrl: "http://x.example/logo.png" },
      /^skin.logoUrl: "http:\/\/x.example\/logo.png" is not https/,
    ],
    [{ primaryColor: "#123456", logoUrl: "https://u:p@x.example/l.png" }, /^skin.logoUrl: .* carries credentials/],
    [{ primaryColor: "#123456", font: "Comic" }, /^skin: unknown field\(s\) "font" \(allowed: primaryColor, logoUrl\)/],
  ])("rejects the skin %j", (skin, message) => {
    expect(problems({ ...base, skin })).toEqual([expect.stringMatching(message)]);
  });

  it("rejects a bad preview expiry and unknown fields", () => {
    expect(problems({ ...base, tier: "preview", preview: { branch: "b", expiresAt: "next week" } })).toEqual([
      expect.stringMatching(/^preview.expiresAt: "next week" is not an ISO 8601 time/),
    ]);
    expect(problems({ ...base, colour: "#fff" })).toEqual([
      expect.stringMatching(/^spec: unknown field\(s\) "colour"/),
    ]);
  });

  it("reports every bad field at once and names missing ones", () => {
    const found = problems({ slug: "x" });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^slug: "x" has 1 characters/),
        expect.stringMatching(/^displayName: nothing is not a string/),
        expect.stringMatching(/^tier: nothing is not a tier/),
        expect.stringMatching(/^listenerPriority: nothing is not a number/),
      ]),
    );
    expect(problems(42)).toEqual(["spec: 42 is not a tenant spec object"]);
  });

  it("accepts the image forms the fleet uses", () => {
    for (const image of [
      "nginx:1.27",
      "registry.example.com:5000/team/app:v1.2.3",
      `app@sha256:${"0".repeat(64)}`,
      "registry.invalid/tenantctl-app:validation",
    ]) {
      expect(parseTenantSpec({ ...base, image }).image).toBe(image);
    }
  });
});
