/**
 * More bad command lines, for every command and option not covered by bad-inputs.ts, test/fleet/bad-input.test.ts and
 * test/preview-cli/input.test.ts (branch names and --waves orders have their own suite). Each is refused before the
 * engine starts: exit 2 (5 for an unusable backend URL, as documented), one `error:` line matching `expect`.
 */
export interface MoreBadInput {
  readonly argv: readonly string[];
  readonly expect: RegExp;
  /** Exit code, when not 2. */
  readonly code?: 5;
  /** PULUMI_BACKEND_URL for this case (relative to the run's cwd). */
  readonly backendUrl?: string;
}

const IMG = "registry.example.com/tenantctl-app:2.0.0";
const ENV_RULE = /is not an environment name \(allowed: 2-12 lowercase letters and digits/;
const SECRETS = /--secrets-provider "vault:\/\/x" is not supported \(allowed: passphrase, awskms:\/\//;

const tenantCommands: readonly MoreBadInput[] = [
  {
    argv: ["provision", "tenant", "acme", "--display-name", "line\nbreak"],
    expect: /displayName: .* contains a control character/,
  },
  {
    argv: ["provision", "tenant", "acme", "--owner", ""],
    expect: /owner: "" is not an email address \(allowed: name@example.com/,
  },
  {
    argv: ["provision", "tenant", "acme", "--logo-url", "https://"],
    expect: /skin.logoUrl: "https:\/\/" is not a URL \(allowed: an https:\/\/ URL/,
  },
  {
    argv: ["provision", "tenant", "acme", "--image", ""],
    expect: /image: "" is not a container image reference \(allowed: /,
  },
  {
    argv: ["provision", "tenant", "acme", "--image", "repo:tag@sha256:xyz"],
    expect: /image: "repo:tag@sha256:xyz" is not a container image reference/,
  },
  { argv: ["provision", "tenant", "acme", "--env", ""], expect: /env: "" is not an environment name/ },
  {
    argv: ["provision", "tenant", "acme", "extra"],
    expect: /too many arguments for 'tenant'\. Expected 1 argument but got 2/,
  },
  { argv: ["provision", "tenant"], expect: /missing required argument 'slug'/ },
  {
    argv: ["provision", "tenant", "acme", "--secrets-provider", ""],
    expect: /--secrets-provider "" is not supported \(allowed: passphrase/,
  },
  {
    argv: ["provision", "tenant", "acme", "--dry-run", "--yes", "--tier", "gold"],
    expect: /tier: "gold" is not a tier \(allowed: basic, standard, premium/,
  },
  { argv: ["provision", "tenant", "acme", "--json", "--tier", "gold"], expect: /tier: "gold" is not a tier/ },
  {
    argv: ["provision", "tenant", "acme", "--install-pulumi", "--color", "red"],
    expect: /"red" is not a colour \(allowed: #rrggbb/,
  },
  { argv: ["provision", "tenant", "acme", "--refresh"], expect: /unknown option '--refresh'/ },
  {
    argv: ["update", "tenant", "acme", "--pin-image", "nope"],
    expect: /--pin-image: "nope" has neither a tag nor a digest/,
  },
  {
    argv: ["update", "tenant", "acme", "--pin-image", IMG, "--unpin"],
    expect: /--pin-image and --unpin contradict each other \(allowed: one of them\)/,
  },
  { argv: ["update", "tenant", "acme", "--owner", "bad"], expect: /owner: "bad" is not an email address/ },
  {
    argv: ["update", "tenant", "acme", "--logo-url", "http://x.example.com/l.png"],
    expect: /is not https \(allowed: an https:\/\/ URL/,
  },
  {
    argv: ["update", "tenant", "acme", "--display-name", ""],
    expect: /displayName: "" has 0 characters \(allowed: 1-100/,
  },
  { argv: ["update", "tenant", "acme", "--env", "Prod"], expect: ENV_RULE },
  { argv: ["update", "tenant", "acme", "--refresh", "--tier", "gold"], expect: /tier: "gold" is not a tier/ },
  {
    argv: ["update", "tenant", "acme", "--refresh", "--dry-run", "--json", "--color", "#12"],
    expect: /"#12" is not a colour/,
  },
  { argv: ["update", "tenant"], expect: /missing required argument 'slug'/ },
  { argv: ["update", "tenant", "acme", "extra"], expect: /too many arguments for 'tenant'/ },
  { argv: ["update", "tenant", "acme", "--secrets-provider", "vault://x"], expect: SECRETS },
  { argv: ["teardown", "tenant"], expect: /missing required argument 'slug'/ },
  {
    argv: ["teardown", "tenant", "acme", "--keep-stack"],
    expect:
      /^error: teardown of acme needs confirmation, and there is no terminal to ask on \(allowed: tenantctl teardown tenant acme --keep-stack --yes\)$/m,
  },
  {
    argv: ["teardown", "tenant", "acme", "--force-delete-secrets"],
    expect: /teardown of acme needs confirmation, .*--force-delete-secrets --yes\)$/m,
  },
  { argv: ["teardown", "tenant", "acme", "extra", "--yes"], expect: /too many arguments for 'tenant'/ },
  { argv: ["teardown", "tenant", "acme", "--secrets-provider", "vault://x", "--yes"], expect: SECRETS },
  { argv: ["teardown", "tenant", "admin", "--yes"], expect: /slug: "admin" is reserved \(allowed: any slug except / },
  {
    argv: ["status", "tenant", "Acme"],
    expect: /slug: "Acme" has a character or position that is not allowed \(allowed: 3-21 lowercase/,
  },
  { argv: ["status", "tenant", "acme", "--probe", "--env", "X"], expect: ENV_RULE },
  { argv: ["status", "tenant"], expect: /missing required argument 'slug'/ },
  { argv: ["status", "tenant", "acme", "--bogus"], expect: /unknown option '--bogus'/ },
  { argv: ["status", "tenant", "acme", "--secrets-provider", "vault://x"], expect: SECRETS },
  { argv: ["status", "tenant", "acme", "--json", "--env", "UP"], expect: ENV_RULE },
  { argv: ["list", "tenants", "extra"], expect: /too many arguments for 'tenants'/ },
  { argv: ["list", "tenants", "--bogus"], expect: /unknown option '--bogus'/ },
  { argv: ["list", "tenants", "--env", ""], expect: /--env: "" is not an environment name/ },
  { argv: ["list", "tenants", "--refresh", "--env", "X", "--yes"], expect: /--env: "X" is not an environment name/ },
  {
    argv: ["list"],
    expect: /^error: "tenantctl list" needs a subcommand \(allowed: tenants; see tenantctl list --help\)$/m,
  },
  { argv: ["synth", "tenant", "acme", "--color", "red"], expect: /"red" is not a colour/ },
  { argv: ["synth", "tenant", "acme", "--env", "Bad"], expect: ENV_RULE },
  { argv: ["synth", "tenant"], expect: /missing required argument 'slug'/ },
  { argv: ["synth", "tenant", "acme", "--owner", "nobody"], expect: /owner: "nobody" is not an email address/ },
  { argv: ["synth"], expect: /"tenantctl synth" needs a subcommand \(allowed: tenant/ },
];

const sharedCommands: readonly MoreBadInput[] = [
  {
    argv: ["shared", "up", "--config", "=x"],
    expect: /--config "=x" is not key=value \(allowed: e\.g\. --config baseDomain=/,
  },
  {
    argv: ["shared", "up", "--config-file", "/nonexistent/Pulumi.dev.yaml"],
    expect: /--config-file \/nonexistent\/Pulumi\.dev\.yaml does not exist/,
  },
  {
    argv: ["shared", "preview", "--format", "html"],
    expect: /argument 'html' is invalid\. Allowed choices are text, markdown/,
  },
  {
    argv: ["shared", "preview", "--format", "markdown", "--json"],
    expect: /--json and --format markdown both print the result on stdout \(allowed: one of them\)/,
  },
  { argv: ["shared", "bogus"], expect: /^error: unknown command 'bogus' \(allowed: up, preview, down\)$/m },
  { argv: ["shared"], expect: /"tenantctl shared" needs a subcommand \(allowed: up, preview, down/ },
  { argv: ["shared", "up", "--env", "x", "--yes"], expect: /--env: "x" is not an environment name/ },
  { argv: ["shared", "up", "--secrets-provider", "vault://x"], expect: SECRETS },
  { argv: ["shared", "up", "extra"], expect: /too many arguments for 'up'/ },
  { argv: ["shared", "preview", "--env", "Prod", "--yes"], expect: /--env: "Prod" is not an environment name/ },
  { argv: ["shared", "down", "--env", "Prod", "--yes"], expect: /--env: "Prod" is not an environment name/ },
  {
    argv: ["shared", "down", "--env", "dev"],
    expect:
      /^error: shared down of env dev needs confirmation, and there is no terminal to ask on \(allowed: tenantctl shared down --env dev --yes\)$/m,
  },
];

const previewCommands: readonly MoreBadInput[] = [
  { argv: ["preview", "list", "--bogus"], expect: /unknown option '--bogus'/ },
  {
    argv: ["preview", "up", "--branch", "x", "--ttl", "0h", "--yes"],
    expect: /ttl: "0h" is not a duration \(allowed: a whole number of minutes, hours or days from 1h to 30d/,
  },
  { argv: ["preview", "down", "--branch", "x", "--env", "Bad", "--yes"], expect: ENV_RULE },
  { argv: ["preview", "up", "--branch", "x", "--image", ""], expect: /image: "" is not a container image reference/ },
  { argv: ["preview", "bogus"], expect: /unknown command 'bogus' \(allowed: up, down, list, gc\)/ },
  { argv: ["preview"], expect: /"tenantctl preview" needs a subcommand/ },
  { argv: ["preview", "up", "--branch", "x", "--secrets-provider", "vault://x", "--yes"], expect: SECRETS },
];

const fleetCommands: readonly MoreBadInput[] = [
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--waves", "1,,2"],
    expect: /--waves "1,,2" has an empty step \(allowed: comma-separated counts and percentages/,
  },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--max-failures", "-1"],
    expect: /--max-failures "-1" is not a limit \(allowed: a count ≥ 0/,
  },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--concurrency", "abc"],
    expect: /--concurrency "abc" is not a number of parallel operations \(allowed: 1-100\)/,
  },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--health-url", "notaurl"],
    expect: /--health-url "notaurl" is not an http\(s\) URL template/,
  },
  { argv: ["upgrade", "tenants", "--resume", "x", "--image", IMG], expect: /--resume "x" is not a rollout id/ },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--select", ""],
    expect: /--select "" is not a selector \(allowed: tier=/,
  },
  { argv: ["upgrade", "tenants", "--image", IMG, "--select", "slug="], expect: /--select "slug=" is not a selector/ },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--select", "tier=gold"],
    expect: /--select "tier=gold": "gold" is not a tier \(allowed: basic, standard, premium\)/,
  },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--timeout", "1.5h"],
    expect: /--timeout "1.5h" is not a time limit per tenant \(allowed: 1s-24h/,
  },
  {
    argv: ["upgrade", "tenants", "--image", IMG, "--stagger", "-1s"],
    expect: /--stagger "-1s" is not a spacing \(allowed: 0, or 1ms-60s/,
  },
  { argv: ["upgrade", "tenants", "extra", "--image", IMG], expect: /too many arguments for 'tenants'/ },
  {
    argv: ["upgrade", "tenant", "--image", IMG],
    expect: /unknown command 'tenant' \(allowed: tenants\) \(Did you mean tenants\?\)/,
  },
  { argv: ["upgrade", "tenants", "--image", IMG, "--yes", "--health", "maybe"], expect: /--health "maybe"/ },
  {
    argv: ["drift", "tenants", "--concurrency", "0"],
    expect: /--concurrency "0" is not a number of parallel operations \(allowed: 1-100\)/,
  },
  { argv: ["drift", "tenants", "--timeout", "0s"], expect: /--timeout "0s" is not a time limit per tenant/ },
  {
    argv: ["drift", "tenants", "--select", "tier=gold"],
    expect: /"gold" is not a tier \(allowed: basic, standard, premium\)/,
  },
  { argv: ["drift", "tenants", "--secrets-provider", "vault://x"], expect: SECRETS },
  { argv: ["drift", "tenants", "extra"], expect: /too many arguments for 'tenants'/ },
  { argv: ["drift", "tenant"], expect: /unknown command 'tenant'.*Did you mean tenants\?/ },
  { argv: ["drift", "tenants", "--stagger", "1h"], expect: /--stagger "1h" is not a spacing/ },
  {
    argv: ["capacity", "--rds-quota", "1.5"],
    expect: /--rds-quota "1.5" is not a quota \(allowed: a whole number, e\.g\. 40\)/,
  },
  { argv: ["capacity", "--rds-quota", ""], expect: /--rds-quota "" is not a quota/ },
  { argv: ["capacity", "--iam-role-quota", "lots"], expect: /--iam-role-quota "lots" is not a quota/ },
  { argv: ["capacity", "--env", "Bad"], expect: ENV_RULE },
  {
    argv: ["capacity", "--reconcile"],
    expect:
      /^error: capacity --reconcile of env dev needs confirmation, and there is no terminal to ask on \(allowed: tenantctl capacity --env dev --reconcile --yes\)$/m,
  },
  { argv: ["capacity", "--reconcile", "--json"], expect: /capacity --reconcile of env dev needs confirmation/ },
  { argv: ["capacity", "--secrets-provider", "vault://x"], expect: SECRETS },
  { argv: ["capacity", "--reconcile", "--yes", "--rds-quota", "x"], expect: /--rds-quota "x" is not a quota/ },
  {
    argv: ["restore", "tenant", "acme", "--snapshot", ""],
    expect: /--snapshot: "" is not an RDS snapshot identifier \(allowed: 1-255 letters/,
  },
  {
    argv: ["restore", "tenant", "acme", "--restore-secrets", "--new-secrets"],
    expect: /--restore-secrets and --new-secrets exclude each other \(allowed: one of them/,
  },
  { argv: ["restore", "tenant", "acme", "--env", "Bad"], expect: ENV_RULE },
  { argv: ["restore", "tenant", "acme", "extra"], expect: /too many arguments for 'tenant'/ },
  { argv: ["restore", "tenant", "acme", "--secrets-provider", "vault://x", "--yes"], expect: SECRETS },
  {
    argv: ["restore", "tenant", "acme", "--snapshot", "-x"],
    expect: /--snapshot: "-x" is not an RDS snapshot identifier/,
  },
  { argv: ["restore"], expect: /"tenantctl restore" needs a subcommand \(allowed: tenant/ },
];

const topLevel: readonly MoreBadInput[] = [
  { argv: ["bogus"], expect: /unknown command 'bogus'/ },
  { argv: ["--bogus"], expect: /unknown option '--bogus'/ },
  {
    argv: ["list", "tenants"],
    expect: /PULUMI_BACKEND_URL "ftp:\/\/x" is not a backend URL \(allowed: file:\/\/<dir>, s3:\/\//,
    backendUrl: "ftp://x",
  },
];

/** Every command but synth reads the backend: a relative or missing file:// folder is refused, exit 5, with the fix. */
const BACKEND_COMMANDS: readonly (readonly string[])[] = [
  ["list", "tenants"],
  ["list", "tenants", "--refresh", "--yes"],
  ["status", "tenant", "acme"],
  ["provision", "tenant", "acme", "--yes"],
  ["provision", "tenant", "acme", "--dry-run"],
  ["update", "tenant", "acme", "--tier", "premium", "--yes"],
  ["teardown", "tenant", "acme", "--yes"],
  ["shared", "up", "--env", "dev", "--yes"],
  ["shared", "preview", "--env", "dev"],
  ["shared", "down", "--env", "dev", "--yes"],
  ["preview", "up", "--branch", "feature/x", "--yes"],
  ["preview", "down", "--branch", "feature/x", "--yes"],
  ["preview", "list"],
  ["preview", "gc", "--dry-run"],
  ["upgrade", "tenants", "--image", IMG, "--dry-run"],
  ["drift", "tenants"],
  ["capacity"],
  ["capacity", "--reconcile", "--yes"],
  ["restore", "tenant", "acme", "--yes"],
];

const backendUrls: readonly MoreBadInput[] = [
  ...BACKEND_COMMANDS.map((argv): MoreBadInput => ({
    argv,
    code: 5,
    backendUrl: "file://relative/dir",
    expect:
      /^error: PULUMI_BACKEND_URL "file:\/\/relative\/dir" is a relative path, .*use an absolute folder that exists: file:\/\/\/absolute\/path or file:\/\/~\/path \(e\.g\. file:\/\/\/.*\/relative\/dir\)$/m,
  })),
  ...[["list", "tenants", "--json"], ["provision", "tenant", "acme", "--yes"], ["drift", "tenants"], ["capacity"]].map(
    (argv): MoreBadInput => ({
      argv,
      code: 5,
      backendUrl: "file:///nonexistent/tenantctl-state",
      expect:
        /^error: PULUMI_BACKEND_URL "file:\/\/\/nonexistent\/tenantctl-state": the folder \/nonexistent\/tenantctl-state does not exist .*create it with `mkdir -p \/nonexistent\/tenantctl-state` or fix the URL$/m,
    }),
  ),
  { argv: ["list", "tenants"], code: 5, backendUrl: "file://./state", expect: /is a relative path/ },
  {
    argv: ["list", "tenants"],
    code: 5,
    backendUrl: "file://~nobody/state",
    expect: /"~user" is not expanded by pulumi/,
  },
];

export const MORE_BAD_INPUTS: readonly MoreBadInput[] = [
  ...tenantCommands,
  ...sharedCommands,
  ...previewCommands,
  ...fleetCommands,
  ...topLevel,
  ...backendUrls,
];
