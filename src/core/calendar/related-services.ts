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
  const dependentsOf = reverseEdges(services);
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

// The reverse of `dependsOn`, built once per services object: conflict checks ask for every slot.
const reversed = new WeakMap<object, ReadonlyMap<string, readonly string[]>>();

function reverseEdges(
  services: Readonly<Record<string, ServiceFacts>>,
): ReadonlyMap<string, readonly string[]> {
  let map = reversed.get(services);
  if (map === undefined) {
    const built = new Map<string, string[]>();
    for (const [name, facts] of Object.entries(services)) {
      for (const dep of facts.dependsOn ?? []) {
        const list = built.get(dep);
        if (list === undefined) built.set(dep, [name]);
        else list.push(name);
      }
    }
    map = built;
    reversed.set(services, map);
  }
  return map;
}
