import { CURRENT, type Side, sideOf, TARGET } from "./compact-fleet.js";
import type { VersionSide } from "./pair-relation.js";
import type { PlanningFleet } from "./planning-fleet.js";

/**
 * A requirement that no service serves: before the release (`when` now) or once it is done.
 * `side` says which version of the consumer has the requirement.
 */
export interface MissingProvider {
  readonly kind: "missing-provider";
  readonly when: "now" | "after";
  readonly consumer: string;
  readonly side: VersionSide;
  readonly api: string;
  readonly range: string;
  /** A service that serves the API now but not after the release, if any. */
  readonly formerProvider: string | undefined;
}

/**
 * Requirements that no service serves. With pairwise safety enforced these are the only global
 * failures left: a consumer version can only run next to providers that all serve the API
 * compatibly, so "nobody serves it" can only happen before the release or after it. Marks them
 * in `skip` (per side, per requirement) so that pairs do not report them again.
 */
export function findMissing(
  fleet: PlanningFleet,
  skip: readonly [Uint8Array, Uint8Array],
): MissingProvider[] {
  const compact = fleet.compact;
  const apiCount = compact.apiNames.length;
  const now = new Uint8Array(apiCount);
  const after = new Uint8Array(apiCount);
  const firstServing = new Int32Array(apiCount).fill(-1);
  const [served, next] = compact.served;
  for (let s = 0; s < fleet.services.length; s++) {
    for (let e = served.start[s] ?? 0; e < (served.start[s + 1] ?? 0); e++) {
      const api = served.api[e] ?? 0;
      now[api] = 1;
      if (firstServing[api] === -1) firstServing[api] = s;
    }
    const end = compact.moving[s] === 1 ? next : served;
    for (let e = end.start[s] ?? 0; e < (end.start[s + 1] ?? 0); e++) after[end.api[e] ?? 0] = 1;
  }
  const missing: MissingProvider[] = [];
  const report = (s: number, when: "now" | "after", side: Side, k: number) => {
    const rows = compact.needs[side];
    const [api, range] = [rows.api[k] ?? 0, rows.range[k] ?? 0];
    const consumer = fleet.services[s]?.name ?? "";
    const seen = (other: Side) => {
      const o = compact.needs[other];
      let found = false;
      for (let j = o.start[s] ?? 0; j < (o.start[s + 1] ?? 0); j++) {
        if (o.api[j] !== api || o.range[j] !== range) continue;
        found ||= skip[other][j] === 1;
        skip[other][j] = 1;
      }
      return found;
    };
    if (seen(CURRENT) || seen(TARGET)) return; // already reported for this consumer
    const former = when === "after" ? fleet.services[firstServing[api] ?? -1]?.name : undefined;
    missing.push({
      kind: "missing-provider",
      when,
      consumer,
      side: side === TARGET ? "target" : "current",
      api: compact.apiNames[api] ?? "",
      range: compact.rangeNames[range] ?? "",
      formerProvider: former,
    });
  };
  for (let s = 0; s < fleet.services.length; s++) {
    const rows = compact.needs[CURRENT];
    for (let k = rows.start[s] ?? 0; k < (rows.start[s + 1] ?? 0); k++) {
      if (now[rows.api[k] ?? 0] !== 1) report(s, "now", CURRENT, k);
    }
    const side = sideOf(compact, s, TARGET);
    const end = compact.needs[side];
    for (let k = end.start[s] ?? 0; k < (end.start[s + 1] ?? 0); k++) {
      if (after[end.api[k] ?? 0] !== 1) report(s, "after", side, k);
    }
  }
  return missing;
}
