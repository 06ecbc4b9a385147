import type { HeaderRoute, RouteConfig, VersionUpstreams, VersionWeights } from "./route-config.js";

/** The same entries in any order: the comparison behind idempotent router updates. */
function sameRecord<T>(
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
  same: (x: T, y: T) => boolean,
) {
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => key in b && same(a[key] as T, b[key] as T));
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item, i) => item === b[i]);

function sameHeaderRoute(a: HeaderRoute | null, b: HeaderRoute | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && a.name === b.name && a.value === b.value && a.version === b.version;
}

/** Whether two configurations route identically (the revision is ignored). */
export function sameRouting(a: RouteConfig, b: RouteConfig): boolean {
  return (
    a.service === b.service &&
    a.listen === b.listen &&
    sameRecord(a.upstreams, b.upstreams, sameList) &&
    sameRecord(a.weights, b.weights, (x, y) => x === y) &&
    sameHeaderRoute(a.headerRoute, b.headerRoute) &&
    (a.sticky?.cookie ?? null) === (b.sticky?.cookie ?? null)
  );
}

/** Applies a change; the revision moves only when routing really changes, so repeating a call is a no-op. */
function revise(current: RouteConfig, next: RouteConfig): RouteConfig {
  return sameRouting(current, next) ? current : { ...next, revision: current.revision + 1 };
}

/** The configuration with these weights; versions left out get weight 0 (no traffic). */
export function withWeights(current: RouteConfig, weights: VersionWeights): RouteConfig {
  const cleaned: Record<string, number> = {};
  for (const [version, weight] of Object.entries(weights)) if (weight > 0) cleaned[version] = weight;
  return revise(current, { ...current, weights: cleaned });
}

/** The configuration with this tester route, or none. */
export function withHeaderRoute(current: RouteConfig, route: HeaderRoute | null): RouteConfig {
  return revise(current, { ...current, headerRoute: route });
}

/** The configuration with these upstream instances per version (the whole set, replacing the old one). */
export function withUpstreams(current: RouteConfig, upstreams: VersionUpstreams): RouteConfig {
  return revise(current, { ...current, upstreams });
}
