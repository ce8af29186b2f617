// Field rules of the tenant spec, pure so the CLI can check a single flag without building the whole schema.
// Each returns undefined when the value is fine, else one line that shows the value and what is allowed.

export const DISPLAY_NAME_MAX_LENGTH = 100;
export const MAX_GENERATION = 999;

/** A value as the user would recognise it in a message, cut so one bad field cannot flood the terminal. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function displayNameProblem(v: string): string | undefined {
  // UTF-16 units, as JavaScript (and the app's own config check) counts them: an emoji counts as two.
  const length = v.length;
  const allowed =
    `allowed: 1-${DISPLAY_NAME_MAX_LENGTH} UTF-16 characters, any script and quotes, ` +
    "no control characters, not blank";
  if (length < 1 || length > DISPLAY_NAME_MAX_LENGTH) return `${show(v)} has ${length} characters (${allowed})`;
  if (v.trim().length === 0) return `${show(v)} is blank (${allowed})`;
  if (/\p{Cc}/u.test(v)) return `${show(v)} contains a control character (${allowed})`;
  return undefined;
}

// Docker's reference grammar, narrowed: a tag or a digest is required so a deploy is reproducible.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
// Like Docker: a first segment is a registry only with a dot, a port or as `localhost`; else it is a path segment.
const REGISTRY = `(?:(?:localhost|${HOST}(?:\\.${HOST})+)(?::[0-9]{1,5})?/|${HOST}:[0-9]{1,5}/)?`;
const IMAGE_PATTERN = new RegExp(
  `^${REGISTRY}${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

export function imageProblem(v: string): string | undefined {
  const allowed =
    "allowed: [registry[:port]/]name[:tag][@sha256:<64 hex>] with a tag or a digest, e.g. " +
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app@sha256:…";
  if (v.length > 512 || !IMAGE_PATTERN.test(v)) return `${show(v)} is not a container image reference (${allowed})`;
  const lastSegment = v.slice(v.lastIndexOf("/") + 1);
  if (!v.includes("@sha256:") && !lastSegment.includes(":"))
    return `${show(v)} has neither a tag nor a digest (${allowed})`;
  return undefined;
}

export function emailProblem(v: string): string | undefined {
  if (v.length <= 254 && /^[^\s@"<>(),;]+@[^\s@"<>(),;]+\.[^\s@"<>(),;]+$/.test(v)) return undefined;
  return `${show(v)} is not an email address (allowed: name@example.com, at most 254 characters)`;
}

export function logoUrlProblem(v: string): string | undefined {
  const allowed = "allowed: an https:// URL without credentials, at most 2048 characters";
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `${show(v)} is not a URL (${allowed})`;
  }
  if (url.protocol !== "https:") return `${show(v)} is not https (${allowed})`;
  if (url.username !== "" || url.password !== "") return `${show(v)} carries credentials (${allowed})`;
  if (v.length > 2048) return `${show(v)} is too long (${allowed})`;
  return undefined;
}

const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export function isoTimeProblem(v: string): string | undefined {
  if (ISO_PATTERN.test(v) && !Number.isNaN(Date.parse(v))) return undefined;
  return `${show(v)} is not an ISO 8601 time with a zone (allowed: e.g. 2026-12-01T00:00:00Z)`;
}

/** Load balancers of the shared stack are numbered `alb-0`, `alb-1`, … in creation order. */
export function loadBalancerId(index: number): string {
  return `alb-${index}`;
}

export function loadBalancerIdProblem(v: string): string | undefined {
  if (/^alb-(?:0|[1-9][0-9]?)$/.test(v)) return undefined;
  return `${show(v)} is not a load balancer id (allowed: alb-0, alb-1, … as listed in the shared stack's outputs)`;
}

export function snapshotIdProblem(v: string): string | undefined {
  const identifier = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/.test(v) && !v.endsWith("-") && v.length <= 255;
  const arn = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:[A-Za-z][A-Za-z0-9-]{0,254}$/.test(v);
  if (identifier || arn) return undefined;
  return (
    `${show(v)} is not an RDS snapshot identifier (allowed: 1-255 letters, digits and single hyphens starting ` +
    "with a letter, or a snapshot ARN)"
  );
}
