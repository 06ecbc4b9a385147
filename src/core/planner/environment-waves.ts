import { compareNames, type FleetService } from "./planning-fleet.js";
import type { PlanStep, PlanWave } from "./release-plan.js";
import { ESTIMATE_DEFAULTS } from "./rollout-estimate.js";
import type { ServiceMove } from "./service-move.js";

/** A service of a rollout wave: one the release moves. */
type Moving = FleetService & { readonly move: ServiceMove };

const migrationTime = (count: number) => count * ESTIMATE_DEFAULTS.migrationSeconds;
const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), 0);

/** The groups as services that move: only those are ever put in a wave. */
function moving(groups: readonly (readonly FleetService[])[]): readonly (readonly Moving[])[] {
  for (const services of groups)
    for (const s of services)
      if (s.move === undefined) throw new Error(`service ${s.name} is in a wave but does not move`);
  return groups as readonly (readonly Moving[])[];
}

/** Appends the service's expand step, when it has start migrations (most have none: nothing is built). */
function pushExpandStep(steps: PlanStep[], service: Moving): void {
  const migrations = service.move.startMigrations;
  if (migrations.length > 0) steps.push({ kind: "migrate-expand", service: service.name, migrations });
}

// Plain loops rather than map/flatMap/spread: a 100,000-service fleet moves tens of thousands of
// services, and the intermediate arrays per service were a measurable part of planning it.
function rolloutWave(index: number, services: readonly Moving[], nextServices: readonly Moving[]): PlanWave {
  const steps: PlanStep[] = [];
  // A service of wave 0 has no earlier wave to prepare its schema in, so it expands first.
  if (index === 0) for (const s of services) pushExpandStep(steps, s);
  for (const s of services)
    steps.push({ kind: "rollout", service: s.name, from: s.move.from, to: s.move.to });
  for (const s of nextServices) pushExpandStep(steps, s);
  for (const s of services) steps.push({ kind: "verify", service: s.name });
  let rollout = 0;
  let backout = 0;
  for (const s of services) {
    const move = s.move;
    rollout = Math.max(
      rollout,
      (index === 0 ? migrationTime(move.startMigrations.length) : 0) + move.rolloutSeconds,
    );
    backout = Math.max(backout, move.backoutSeconds);
  }
  let ahead = 0;
  for (const s of nextServices) ahead = Math.max(ahead, migrationTime(s.move.startMigrations.length));
  return {
    index,
    steps,
    estimateSeconds: Math.max(rollout, ahead) + ESTIMATE_DEFAULTS.verifySeconds,
    backoutSeconds: backout,
  };
}

/**
 * The waves of one environment from the services of each rollout wave (services the release
 * moves): expand migrations run one wave ahead of their service (they are backward compatible, so
 * early is safe and saves time), and all contract migrations wait in a final wave for every
 * rollout and the rollback window. The contract wave's backout is 0: before it runs there is
 * nothing to undo, after it nothing can be.
 */
export function environmentWaves(
  groups: readonly (readonly FleetService[])[],
  rollbackWindowSeconds: number,
): PlanWave[] {
  const rollouts = moving(groups);
  const waves = rollouts.map((services, k) => rolloutWave(k, services, rollouts[k + 1] ?? []));
  // Loops rather than flat(): most plans contract nothing, and a copy of every wave's services
  // would be one more array of tens of thousands for the scavenger.
  const contracting: Moving[] = [];
  for (const services of rollouts)
    for (const s of services) if (s.move.contractMigrations.length > 0) contracting.push(s);
  contracting.sort((a, b) => compareNames(a.name, b.name));
  if (contracting.length > 0) {
    waves.push({
      index: waves.length,
      steps: contracting.map((s) => ({
        kind: "migrate-contract",
        service: s.name,
        migrations: s.move.contractMigrations,
      })),
      estimateSeconds:
        rollbackWindowSeconds +
        maxOf(contracting.map((s) => migrationTime(s.move.contractMigrations.length))),
      backoutSeconds: 0,
    });
  }
  return waves;
}
