import { compareNames, type FleetService } from "./planning-fleet.js";
import type { PlanStep, PlanWave } from "./release-plan.js";
import { backoutSeconds, ESTIMATE_DEFAULTS, rolloutSeconds } from "./rollout-estimate.js";

const NONE: readonly string[] = Object.freeze([]);

/**
 * Migrations that must run before the new version takes traffic: expand, then migrate
 * (backfill) — pgroll's "start" phase (xataio/pgroll, docs "Migration lifecycle").
 */
function startMigrations(service: FleetService): readonly string[] {
  const all = service.change?.migrations;
  // Most changes carry no migrations: no arrays are built for them.
  if (all === undefined || all.length === 0) return NONE;
  return [...all.filter((m) => m.phase === "expand"), ...all.filter((m) => m.phase === "migrate")].map(
    (m) => m.name,
  );
}

function contractMigrations(service: FleetService): readonly string[] {
  const all = service.change?.migrations;
  if (all === undefined || all.length === 0) return NONE;
  return all.filter((m) => m.phase === "contract").map((m) => m.name);
}

const migrationTime = (count: number) => count * ESTIMATE_DEFAULTS.migrationSeconds;
const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), 0);

/** Appends the service's expand step, when it has start migrations (most have none: nothing is built). */
function pushExpandStep(steps: PlanStep[], service: FleetService): void {
  const migrations = startMigrations(service);
  if (migrations.length > 0) steps.push({ kind: "migrate-expand", service: service.name, migrations });
}

// Plain loops rather than map/flatMap/spread: a 100,000-service fleet moves tens of thousands of
// services, and the intermediate arrays per service were a measurable part of planning it.
function rolloutWave(
  index: number,
  services: readonly FleetService[],
  nextServices: readonly FleetService[],
): PlanWave {
  const steps: PlanStep[] = [];
  // A service of wave 0 has no earlier wave to prepare its schema in, so it expands first.
  if (index === 0) for (const s of services) pushExpandStep(steps, s);
  for (const s of services) {
    steps.push({
      kind: "rollout",
      service: s.name,
      from: s.current.version,
      to: s.target?.version ?? s.current.version,
    });
  }
  for (const s of nextServices) pushExpandStep(steps, s);
  for (const s of services) steps.push({ kind: "verify", service: s.name });
  let rollout = 0;
  let backout = 0;
  for (const s of services) {
    const strategy = s.change?.strategy;
    rollout = Math.max(
      rollout,
      (index === 0 ? migrationTime(startMigrations(s).length) : 0) + rolloutSeconds(strategy),
    );
    backout = Math.max(backout, backoutSeconds(strategy));
  }
  let ahead = 0;
  for (const s of nextServices) ahead = Math.max(ahead, migrationTime(startMigrations(s).length));
  return {
    index,
    steps,
    estimateSeconds: Math.max(rollout, ahead) + ESTIMATE_DEFAULTS.verifySeconds,
    backoutSeconds: backout,
  };
}

/**
 * The waves of one environment from the services of each rollout wave: expand migrations run one
 * wave ahead of their service (they are backward compatible, so early is safe and saves time),
 * and all contract migrations wait in a final wave for every rollout and the rollback window.
 * The contract wave's backout is 0: before it runs there is nothing to undo, after it nothing can be.
 */
export function environmentWaves(
  groups: readonly (readonly FleetService[])[],
  rollbackWindowSeconds: number,
): PlanWave[] {
  const waves = groups.map((services, k) => rolloutWave(k, services, groups[k + 1] ?? []));
  // Loops rather than flat(): most plans contract nothing, and a copy of every wave's services
  // would be one more array of tens of thousands for the scavenger.
  const contracting: FleetService[] = [];
  for (const services of groups)
    for (const s of services) if (contractMigrations(s).length > 0) contracting.push(s);
  contracting.sort((a, b) => compareNames(a.name, b.name));
  if (contracting.length > 0) {
    waves.push({
      index: waves.length,
      steps: contracting.map((s) => ({
        kind: "migrate-contract",
        service: s.name,
        migrations: contractMigrations(s),
      })),
      estimateSeconds:
        rollbackWindowSeconds + maxOf(contracting.map((s) => migrationTime(contractMigrations(s).length))),
      backoutSeconds: 0,
    });
  }
  return waves;
}
