import type { ReleaseChange } from "../documents/kinds/release.js";
import { backoutSeconds, rolloutSeconds } from "./rollout-estimate.js";

/**
 * What the plan's waves need of a service the release moves, worked out while the planner reads
 * its documents. The waves are built last, in wave order, which on a 100,000-service fleet is a
 * random walk over documents long out of the processor's caches: reading the versions, the strategy
 * (five objects deep) and the migrations there again cost about seven cache misses per moving
 * service, where this object, allocated beside the service's own, costs one.
 */
export interface ServiceMove {
  readonly service: string;
  readonly from: string;
  readonly to: string;
  /** From the start of the rollout until its strategy has finished (rolloutSeconds). */
  readonly rolloutSeconds: number;
  /** Back to the previous version once the rollout has finished (backoutSeconds). */
  readonly backoutSeconds: number;
  /**
   * Migrations that must run before the new version takes traffic: expand, then migrate (backfill),
   * pgroll's "start" phase (xataio/pgroll, docs "Migration lifecycle").
   */
  readonly startMigrations: readonly string[];
  /** Migrations that wait for every rollout and the rollback window. */
  readonly contractMigrations: readonly string[];
}

/** Shared: most changes carry no migrations, and no list is built for them. */
const NONE: readonly string[] = Object.freeze([]);

/** The move of `service` from its running version `from` to `change`. */
export function serviceMove(service: string, from: string, change: ReleaseChange): ServiceMove {
  const all = change.migrations;
  const none = all === undefined || all.length === 0;
  return {
    service,
    from,
    to: change.version,
    rolloutSeconds: rolloutSeconds(change.strategy),
    backoutSeconds: backoutSeconds(change.strategy),
    startMigrations: none
      ? NONE
      : [...all.filter((m) => m.phase === "expand"), ...all.filter((m) => m.phase === "migrate")].map(
          (m) => m.name,
        ),
    contractMigrations: none ? NONE : all.filter((m) => m.phase === "contract").map((m) => m.name),
  };
}
