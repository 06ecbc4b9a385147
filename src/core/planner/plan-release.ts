import { durationSeconds } from "../documents/duration.js";
import { InputError } from "../errors/domain-error.js";
import { ConflictReporter } from "./conflict-report.js";
import { findCycles } from "./cycle-search.js";
import { environmentWaves } from "./environment-waves.js";
import { applyMigrationGate } from "./migration-gate.js";
import { buildOrderingConstraints } from "./ordering-constraints.js";
import { type PlanInput, type PlanningFleet, resolvePlanningFleet } from "./planning-fleet.js";
import { buildPrecedenceGraph, type PrecedenceGraph } from "./precedence-graph.js";
import { createRangeMatcher, type RangeMatcher } from "./range-matcher.js";
import { releaseEstimate } from "./release-estimate.js";
import type { EnvironmentPlan, PlanConflict, ReleasePlan } from "./release-plan.js";
import type { ServiceMove } from "./service-move.js";
import { scheduleWaves } from "./wave-schedule.js";

export interface PlanOptions {
  /** Plan only this environment of the release (default: every environment, in promotion order). */
  readonly environment?: string;
}

/** Enough cycles per environment for a person to act on; a fleet with more is broken in bulk. */
const CYCLE_LIMIT = 50;

interface EnvironmentOutcome {
  readonly plan: EnvironmentPlan;
  readonly conflicts: readonly PlanConflict[];
  readonly cycles: readonly string[][];
}

/** A dependsOn cycle as the closed path people read: each service depends on the next one. */
function dependsOnPath(graph: PrecedenceGraph, fleet: PlanningFleet, edges: readonly number[]): string[] {
  const nodes = edges.map((e) => graph.edgeFrom[e] ?? 0).reverse();
  const start = nodes.indexOf(Math.min(...nodes));
  const rotated = [...nodes.slice(start), ...nodes.slice(0, start)];
  const names = rotated.map((v) => fleet.services[graph.serviceOf[v] ?? 0]?.name ?? "?");
  return [...names, names[0] ?? "?"];
}

function planEnvironment(input: PlanInput, environment: string, matches: RangeMatcher): EnvironmentOutcome {
  const fleet = resolvePlanningFleet(input, environment);
  const constraints = buildOrderingConstraints(fleet, matches);
  const moving: number[] = [];
  for (let i = 0; i < fleet.services.length; i++) if (fleet.compact.moving[i] === 1) moving.push(i);
  const graph = buildPrecedenceGraph(moving, fleet.services.length, constraints.edges);
  const nameOf = (v: number) => fleet.services[graph.serviceOf[v] ?? 0]?.name ?? "?";
  const dependsOn = (e: number) => graph.dependsOn[e] === 1;
  // dependsOn cycles first, so that a cycle of dependsOn alone is reported as such; then every
  // edge but the dependsOn ones a cycle already took.
  const alive = graph.dependsOn.slice();
  const cycles = findCycles(graph, alive, dependsOn, CYCLE_LIMIT).map((c) => dependsOnPath(graph, fleet, c));
  for (let e = 0; e < alive.length; e++) if (graph.dependsOn[e] === 0) alive[e] = 1;
  const reporter = new ConflictReporter(fleet, matches);
  const conflicts = [
    ...constraints.missing.map((m) => reporter.missing(m)),
    ...constraints.incompatible.map((p) => reporter.incompatible(p)),
    ...findCycles(graph, alive, () => true, CYCLE_LIMIT).map((c) =>
      reporter.cycle(
        c.map((e) => ({
          before: nameOf(graph.edgeFrom[e] ?? 0),
          after: nameOf(graph.edgeTo[e] ?? 0),
          cause: graph.cause(e),
        })),
      ),
    ),
  ];
  if (conflicts.length > 0 || cycles.length > 0)
    return { plan: { name: environment, waves: [] }, conflicts, cycles };
  const tiers = new Int32Array(graph.serviceOf.length);
  for (let v = 0; v < tiers.length; v++) tiers[v] = fleet.services[graph.serviceOf[v] ?? 0]?.tier ?? 0;
  const waveOf = scheduleWaves(graph, tiers, input.release.spec.maxParallel ?? Number.POSITIVE_INFINITY);
  // The graph's nodes are the services that move, so each has its move.
  const groups: ServiceMove[][] = [];
  for (let v = 0; v < waveOf.length; v++) {
    const wave = waveOf[v] ?? 0;
    const move = fleet.services[graph.serviceOf[v] ?? 0]?.move;
    if (move === undefined) continue;
    const group = groups[wave];
    if (group === undefined) groups[wave] = [move];
    else group.push(move);
  }
  const window = input.release.spec.rollbackWindow;
  // filter() skips holes: a wave nobody was eligible for is not a wave.
  const waves = environmentWaves(
    groups.filter((g) => g.length > 0),
    window === undefined ? 0 : durationSeconds(window),
  );
  return { plan: { name: environment, waves }, conflicts, cycles };
}

/** Prefixes each conflict with the environments it occurs in, merging identical ones. */
function mergeConflicts(outcomes: readonly EnvironmentOutcome[]): PlanConflict[] {
  const merged = new Map<string, { conflict: PlanConflict; environments: string[] }>();
  for (const outcome of outcomes) {
    for (const conflict of outcome.conflicts) {
      const key = JSON.stringify([conflict.services, conflict.requirements, conflict.message]);
      const entry = merged.get(key);
      if (entry === undefined) merged.set(key, { conflict, environments: [outcome.plan.name] });
      else entry.environments.push(outcome.plan.name);
    }
  }
  return [...merged.values()].map(({ conflict, environments }) => ({
    ...conflict,
    message: `in ${environments.join(", ")}: ${conflict.message}`,
  }));
}

/**
 * Plans a release for each of its environments (or one): waves in which every intermediate
 * state, including each wave's mixed old/new state, keeps every requirement satisfied; or,
 * when no order exists, the minimal conflicts and dependsOn cycles that prevent one.
 */
function planOrder(input: PlanInput, options: PlanOptions): ReleasePlan {
  const all = input.release.spec.environments;
  if (options.environment !== undefined && !all.includes(options.environment)) {
    throw new InputError(
      "plan.unknown-environment",
      `release ${input.release.metadata.name} does not go to "${options.environment}" (it goes to ${all.join(", ")})`,
    );
  }
  const matches = createRangeMatcher();
  const environments = options.environment === undefined ? all : [options.environment];
  const outcomes = environments.map((env) => planEnvironment(input, env, matches));
  const conflicts = mergeConflicts(outcomes);
  const seen = new Set<string>();
  const cycles = outcomes
    .flatMap((o) => o.cycles)
    .filter((c) => !seen.has(c.join(" ")) && seen.add(c.join(" ")));
  const plans = outcomes.map((o) => o.plan);
  return {
    release: input.release.metadata.name,
    feasible: conflicts.length === 0 && cycles.length === 0,
    environments: plans,
    conflicts,
    cycles,
    estimate: releaseEstimate(plans),
  };
}

/**
 * The release's plan (see `planOrder`), with its migrations checked against their linted sets
 * when the input carries them: a breaking expand statement makes it infeasible, and contracts of
 * retained tables carry their archive step.
 */
export function planRelease(input: PlanInput, options: PlanOptions = {}): ReleasePlan {
  return applyMigrationGate(planOrder(input, options), input);
}
