import type { ResourceState } from "../backend/state";

/** What a resource hangs off: its parent, its dependencies and its provider (the engine's dependency graph edges). */
export function dependenciesOf(
  r: Pick<ResourceState, "parent" | "dependencies" | "provider" | "propertyDependencies">,
): string[] {
  const deps = new Set<string>(r.dependencies ?? []);
  for (const list of Object.values(r.propertyDependencies ?? {})) for (const u of list) deps.add(u);
  if (r.parent) deps.add(r.parent);
  if (r.provider) deps.add(r.provider.split("::").slice(0, -1).join("::"));
  return [...deps];
}

/** Pulumi's URN globs: `**` matches anything, `*` anything but `::`. */
function glob(pattern: string): RegExp {
  const body = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("(?:(?!::).)*"),
    )
    .join(".*");
  return new RegExp(`^${body}$`);
}

/**
 * `--target`/`--exclude` (with `--target-dependents`/`--exclude-dependents`): which resources an operation may
 * touch. Dependents are found through parents, dependencies and providers, transitively, as the engine does.
 */
export class UrnFilter {
  private readonly targets: RegExp[];
  private readonly excludes: RegExp[];

  constructor(
    targets: string[],
    excludes: string[],
    private readonly targetDependents: boolean,
    private readonly excludeDependents: boolean,
  ) {
    this.targets = targets.map(glob);
    this.excludes = excludes.map(glob);
  }

  get active(): boolean {
    return this.targets.length > 0 || this.excludes.length > 0;
  }

  get hasTargets(): boolean {
    return this.targets.length > 0;
  }

  named(urn: string): { targeted: boolean; excluded: boolean } {
    return { targeted: this.targets.some((re) => re.test(urn)), excluded: this.excludes.some((re) => re.test(urn)) };
  }

  /**
   * The URNs of `resources` (in dependency order) the operation may touch. With targets: the targeted ones, plus
   * their dependents when `--target-dependents`; with excludes: all but the excluded (and their dependents when
   * `--exclude-dependents`).
   */
  allowed(resources: readonly ResourceState[]): Set<string> {
    const allowed = new Set<string>();
    const excluded = new Set<string>();
    for (const r of resources) {
      const { targeted, excluded: named } = this.named(r.urn);
      const deps = dependenciesOf(r);
      if (this.targets.length > 0 && (targeted || (this.targetDependents && deps.some((d) => allowed.has(d)))))
        allowed.add(r.urn);
      if (named || (this.excludeDependents && deps.some((d) => excluded.has(d)))) excluded.add(r.urn);
    }
    if (this.targets.length === 0) for (const r of resources) if (!excluded.has(r.urn)) allowed.add(r.urn);
    return allowed;
  }

  /**
   * Live registration (up/preview), in registration order: `allowedSoFar`/`deniedSoFar` are the earlier verdicts,
   * so dependents follow their dependencies as in `allowed`.
   */
  allows(urn: string, deps: string[], allowedSoFar: ReadonlySet<string>, deniedSoFar: ReadonlySet<string>): boolean {
    const { targeted, excluded } = this.named(urn);
    if (this.targets.length > 0) return targeted || (this.targetDependents && deps.some((d) => allowedSoFar.has(d)));
    return !(excluded || (this.excludeDependents && deps.some((d) => deniedSoFar.has(d))));
  }
}
