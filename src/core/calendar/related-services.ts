import type { ServiceFacts } from "./calendar-world.js";

/** The services a change touches and those linked to them through `dependsOn`, both ways. */
export interface RelatedServices {
  readonly changed: ReadonlySet<string>;
  /** Services that depend on a changed one, directly or through others. */
  readonly dependents: ReadonlySet<string>;
  /** Services a changed one depends on, directly or through others. */
  readonly dependencies: ReadonlySet<string>;
}

/** Transitive dependents and dependencies of `changed`; transitive both ways so "related" is symmetric. */
export function relatedServices(
  services: Readonly<Record<string, ServiceFacts>>,
  changed: readonly string[],
): RelatedServices {
  const dependentsOf = new Map<string, string[]>();
  for (const [name, facts] of Object.entries(services)) {
    for (const dep of facts.dependsOn ?? []) dependentsOf.set(dep, [...(dependentsOf.get(dep) ?? []), name]);
  }
  const start = new Set(changed);
  return {
    changed: start,
    dependents: reach(start, (s) => dependentsOf.get(s) ?? []),
    dependencies: reach(start, (s) => services[s]?.dependsOn ?? []),
  };
}

/** Every service related to `changed` (itself included). */
export function relatedSet(related: RelatedServices): ReadonlySet<string> {
  return new Set([...related.changed, ...related.dependents, ...related.dependencies]);
}

function reach(from: ReadonlySet<string>, next: (s: string) => readonly string[]): ReadonlySet<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!)) {
      if (!seen.has(n) && !from.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}
