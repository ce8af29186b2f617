/**
 * Bad command lines: each must exit 2 with one line on stderr naming the problem, and touch nothing.
 * `expect` is a fragment of that line (what is wrong or what is allowed).
 */
export interface BadInput {
  readonly argv: readonly string[];
  readonly expect: RegExp;
}

const p = (...rest: string[]): string[] => ["provision", "tenant", ...rest];
const u = (...rest: string[]): string[] => ["update", "tenant", ...rest];

export const BAD_INPUTS: readonly BadInput[] = [
  // slugs
  { argv: p("Acme"), expect: /slug: "Acme"/ },
  { argv: p("ac"), expect: /slug: "ac" has 2 characters/ },
  { argv: p("a".repeat(22)), expect: /has 22 characters/ },
  { argv: p("1acme"), expect: /slug: "1acme"/ },
  { argv: p("-acme"), expect: /unknown option '-acme'|slug/ },
  { argv: p("acme-"), expect: /slug: "acme-"/ },
  { argv: p("ac--me"), expect: /"--"/ },
  { argv: p("acme_corp"), expect: /slug: "acme_corp"/ },
  { argv: p("acme.corp"), expect: /slug: "acme.corp"/ },
  { argv: p("acme corp"), expect: /slug: "acme corp"/ },
  { argv: p("ACME"), expect: /slug: "ACME"/ },
  { argv: p("admin"), expect: /is reserved/ },
  { argv: p("www"), expect: /is reserved/ },
  { argv: p("api"), expect: /is reserved/ },
  { argv: p("sg-acme"), expect: /sg-/ },
  { argv: p("acmé"), expect: /slug: "acmé"/ },
  { argv: p("acme/x"), expect: /slug: "acme\/x"/ },
  { argv: p(""), expect: /slug: "" has 0 characters/ },
  // tiers
  { argv: p("acme", "--tier", "gold"), expect: /tier: "gold" is not a tier \(allowed: basic, standard, premium/ },
  { argv: p("acme", "--tier", "Basic"), expect: /tier: "Basic"/ },
  { argv: p("acme", "--tier", ""), expect: /tier: ""/ },
  { argv: p("acme", "--tier", "preview"), expect: /"preview" needs preview/ },
  { argv: u("acme", "--tier", "enterprise"), expect: /tier: "enterprise"/ },
  // colours
  { argv: p("acme", "--color", "red"), expect: /"red" is not a colour \(allowed: #rrggbb/ },
  { argv: p("acme", "--color", "#fff"), expect: /"#fff" is not a colour/ },
  { argv: p("acme", "--color", "#12345g"), expect: /"#12345g" is not a colour/ },
  { argv: p("acme", "--color", "1a73e8"), expect: /"1a73e8" is not a colour/ },
  { argv: p("acme", "--color", "#1a73e8ff"), expect: /is not a colour/ },
  { argv: u("acme", "--color", "blue"), expect: /"blue" is not a colour/ },
  // logo URLs
  { argv: p("acme", "--logo-url", "http://cdn.acme.com/logo.png"), expect: /is not https/ },
  { argv: p("acme", "--logo-url", "not a url"), expect: /is not a URL/ },
  { argv: p("acme", "--logo-url", "https://user:pw@cdn.acme.com/logo.png"), expect: /carries credentials/ },
  { argv: p("acme", "--logo-url", "ftp://cdn.acme.com/logo.png"), expect: /is not https/ },
  { argv: p("acme", "--logo-url", `https://cdn.acme.com/${"x".repeat(2100)}`), expect: /is too long/ },
  { argv: p("acme", "--logo-url", "javascript:alert(1)"), expect: /is not https/ },
  // owners
  { argv: p("acme", "--owner", "nobody"), expect: /is not an email address/ },
  { argv: p("acme", "--owner", "a@b"), expect: /is not an email address/ },
  { argv: p("acme", "--owner", "two words@acme.com"), expect: /is not an email address/ },
  // display names
  { argv: p("acme", "--display-name", ""), expect: /displayName: "" has 0 characters/ },
  { argv: p("acme", "--display-name", "   "), expect: /is blank/ },
  { argv: p("acme", "--display-name", "x".repeat(101)), expect: /has 101 characters/ },
  { argv: p("acme", "--display-name", "bell\u0007"), expect: /control character/ },
  // images
  { argv: p("acme", "--image", "nginx"), expect: /has neither a tag nor a digest/ },
  { argv: p("acme", "--image", "MyApp:1"), expect: /is not a container image reference/ },
  { argv: p("acme", "--image", "repo:tag with space"), expect: /is not a container image reference/ },
  { argv: p("acme", "--image", "repo@sha256:short"), expect: /is not a container image reference/ },
  // environments
  { argv: p("acme", "--env", "Prod"), expect: /env: "Prod" is not an environment name/ },
  { argv: p("acme", "--env", "p"), expect: /env: "p"/ },
  { argv: p("acme", "--env", "production-eu-1"), expect: /env: "production-eu-1"/ },
  { argv: ["teardown", "tenant", "acme", "--env", "x_y", "--yes"], expect: /env: "x_y"/ },
  { argv: ["status", "tenant", "acme", "--env", "UPPER"], expect: /env: "UPPER"/ },
  { argv: ["list", "tenants", "--env", "9lives"], expect: /--env: "9lives"/ },
  // other commands' slugs
  { argv: ["teardown", "tenant", "Bad_Slug", "--yes"], expect: /slug: "Bad_Slug"/ },
  { argv: ["status", "tenant", "no"], expect: /slug: "no"/ },
  { argv: ["synth", "tenant", "x"], expect: /slug: "x"/ },
  { argv: ["synth", "tenant", "acme", "--tier", "huge"], expect: /tier: "huge"/ },
  { argv: u("ACME"), expect: /slug: "ACME"/ },
  // flags
  { argv: p("acme", "--tier"), expect: /option '--tier <tier>' argument missing/ },
  { argv: p("acme", "--colour", "#ffffff"), expect: /unknown option '--colour'/ },
  {
    argv: p("acme", "--secrets-provider", "hashivault://x"),
    expect: /--secrets-provider "hashivault:\/\/x" is not supported/,
  },
  { argv: p("acme", "--secrets-provider", "awskms://"), expect: /is not supported/ },
  {
    argv: ["teardown", "tenant", "acme"],
    expect:
      /^error: teardown of acme needs confirmation, and there is no terminal to ask on \(allowed: tenantctl teardown tenant acme --yes\)$/m,
  },
  {
    argv: ["teardown", "tenant", "acme", "--json"],
    expect: /^error: teardown of acme needs confirmation, and there is no terminal/,
  },
  { argv: ["list", "tenant"], expect: /unknown command 'tenant'/ },
  { argv: ["provision", "tenants", "acme"], expect: /unknown command 'tenants'/ },
  { argv: ["shared", "up", "--env", "Dev"], expect: /--env: "Dev"/ },
  {
    argv: ["shared", "down", "--env", "dev", "--config", "baseDomain=example.com"],
    expect:
      /^error: shared down of env dev needs confirmation, and there is no terminal to ask on \(allowed: tenantctl shared down --env dev --yes\)$/m,
  },
  { argv: ["shared", "up", "--env", "dev", "--config", "novalue"], expect: /--config "novalue" is not key=value/ },
];
