import { compareNames } from "./planning-fleet.js";
import type { PlanStep, PlanWave } from "./release-plan.js";
import { ESTIMATE_DEFAULTS } from "./rollout-estimate.js";
import type { ServiceMove } from "./service-move.js";

const migrationTime = (count: number) => count * ESTIMATE_DEFAULTS.migrationSeconds;
const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), 0);

/** Appends the move's expand step, when it has start migrations (most have none: nothing is built). */
function pushExpandStep(steps: PlanStep[], move: ServiceMove): void {
  const migrations = move.startMigrations;
  if (migrations.length > 0) steps.push({ kind: "migrate-expand", service: move.service, migrations });
}

// Plain loops rather than map/flatMap/spread: a 100,000-service fleet moves tens of thousands of
// services, and the intermediate arrays per service were a measurable part of planning it.
function rolloutWave(
  index: number,
  moves: readonly ServiceMove[],
  nextMoves: readonly ServiceMove[],
): PlanWave {
  const steps: PlanStep[] = [];
  // A service of wave 0 has no earlier wave to prepare its schema in, so it expands first.
  if (index === 0) for (const m of moves) pushExpandStep(steps, m);
  for (const m of moves) steps.push({ kind: "rollout", service: m.service, from: m.from, to: m.to });
  for (const m of nextMoves) pushExpandStep(steps, m);
  for (const m of moves) steps.push({ kind: "verify", service: m.service });
  let rollout = 0;
  let backout = 0;
  for (const m of moves) {
    rollout = Math.max(
      rollout,
      (index === 0 ? migrationTime(m.startMigrations.length) : 0) + m.rolloutSeconds,
    );
    backout = Math.max(backout, m.backoutSeconds);
  }
  let ahead = 0;
  for (const m of nextMoves) ahead = Math.max(ahead, migrationTime(m.startMigrations.length));
  return {
    index,
    steps,
    estimateSeconds: Math.max(rollout, ahead) + ESTIMATE_DEFAULTS.verifySeconds,
    backoutSeconds: backout,
  };
}

/**
 * The waves of one environment from the moves of each rollout wave: expand migrations run one
 * wave ahead of their service (they are backward compatible, so early is safe and saves time),
 * and all contract migrations wait in a final wave for every rollout and the rollback window.
 * The contract wave's backout is 0: before it runs there is nothing to undo, after it nothing can be.
 */
export function environmentWaves(
  groups: readonly (readonly ServiceMove[])[],
  rollbackWindowSeconds: number,
): PlanWave[] {
  const waves = groups.map((moves, k) => rolloutWave(k, moves, groups[k + 1] ?? []));
  // Loops rather than flat(): most plans contract nothing, and a copy of every wave's moves
  // would be one more array of tens of thousands for the scavenger.
  const contracting: ServiceMove[] = [];
  for (const moves of groups) for (const m of moves) if (m.contractMigrations.length > 0) contracting.push(m);
  contracting.sort((a, b) => compareNames(a.service, b.service));
  if (contracting.length > 0) {
    waves.push({
      index: waves.length,
      steps: contracting.map((m) => ({
        kind: "migrate-contract",
        service: m.service,
        migrations: m.contractMigrations,
      })),
      estimateSeconds:
        rollbackWindowSeconds + maxOf(contracting.map((m) => migrationTime(m.contractMigrations.length))),
      backoutSeconds: 0,
    });
  }
  return waves;
}
