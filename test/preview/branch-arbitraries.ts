// Branch names as developers and bots actually push them, plus the shapes most likely to break a naive mapping.
import fc from "fast-check";
import { BRANCH_HASH_LENGTH, BRANCH_MAX_LENGTH, branchProblem } from "../../infra/preview-naming";
import { ENV_MAX_LENGTH, SLUG_MAX_LENGTH } from "../../infra/naming";

const valid = (b: string): boolean => branchProblem(b) === undefined;

const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,24}$/);
/** `feature/JIRA-12/do.the_thing`, `dependabot/npm_and_yarn/…`, `release/1.2.3`. */
const slashy = fc.array(segment, { minLength: 1, maxLength: 8 }).map((parts) => parts.join("/"));
/** Any printable Unicode, including combining marks, emoji and right-to-left scripts. */
const unicode = fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 });
/** Every code point, not only common graphemes: astral planes, private use, noncharacters. */
const codePoints = fc.string({ unit: "binary", minLength: 1, maxLength: 60 });
const long = fc.string({ unit: "grapheme-ascii", minLength: 200, maxLength: 250 });
const dotty = fc
  .array(fc.constantFrom(".", "..", "/", "-", "_", "a", "B", "7", "é"), { minLength: 1, maxLength: 30 })
  .map((p) => p.join(""));
/** Already a valid slug, so it is kept as is — unless it could be mistaken for a hashed one. */
const slugLike = fc.stringMatching(new RegExp(`^[a-z][a-z0-9-]{1,${SLUG_MAX_LENGTH + 4}}[a-z0-9]$`));
const hashLooking = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/), fc.stringMatching(new RegExp(`^[0-9a-f]{${BRANCH_HASH_LENGTH}}$`)))
  .map(([head, hex]) => `${head}-${hex}`);
const reservedish = fc.constantFrom(
  "main",
  "master",
  "dev",
  "preview",
  "sg-1",
  "sg",
  "123",
  "-",
  "API",
  "www",
  "a",
  "ab",
);

export const branchArb: fc.Arbitrary<string> = fc
  .oneof(slashy, unicode, codePoints, long, dotty, slugLike, hashLooking, reservedish)
  .filter(valid);

export const envArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("dev", "prod", "e".repeat(ENV_MAX_LENGTH)),
  fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{1,${ENV_MAX_LENGTH - 1}}$`)),
);

/** Two names that agree on everything the readable part of a slug can show. */
const sameAfterCut = fc
  .tuple(
    fc.string({ unit: "grapheme-ascii", minLength: SLUG_MAX_LENGTH, maxLength: 200 }),
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 40 }),
  )
  .filter(([, x, y]) => x !== y)
  .map(([base, x, y]): [string, string] => [
    `${base}${x}`.slice(0, BRANCH_MAX_LENGTH),
    `${base}${y}`.slice(0, BRANCH_MAX_LENGTH),
  ]);

const caseVariant = fc
  .tuple(branchArb, fc.func(fc.boolean()))
  .map(([b, flip]): [string, string] => [
    b,
    [...b].map((ch, i) => (flip(i) ? ch.toUpperCase() : ch.toLowerCase())).join(""),
  ]);

const separators = ["/", "-", "_", ".", "--", " ", "+", "@"];
const punctuationVariant = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 2, maxLength: 5 }),
    fc.constantFrom(...separators),
    fc.constantFrom(...separators),
  )
  .map(([parts, s1, s2]): [string, string] => [parts.join(s1), parts.join(s2)]);

/** Pairs of different branch names chosen to collide under lowercasing, punctuation folding or truncation. */
export const distinctPairArb: fc.Arbitrary<[string, string]> = fc
  .oneof(sameAfterCut, caseVariant, punctuationVariant, fc.tuple(branchArb, branchArb))
  .filter(([a, b]) => a !== b && valid(a) && valid(b));
