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

function expandStep(service: FleetService): PlanStep[] {
  const migrations = startMigrations(service);
  return migrations.length === 0 ? [] : [{ kind: "migrate-expand", service: service.name, migrations }];
}

const migrationTime = (count: number) => count * ESTIMATE_DEFAULTS.migrationSeconds;
const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), 0);

function rolloutWave(
  index: number,
  services: readonly FleetService[],
  nextServices: readonly FleetService[],
): PlanWave {
  // A service of wave 0 has no earlier wave to prepare its schema in, so it expands first.
  const own = index === 0 ? services : [];
  const steps: PlanStep[] = [
    ...own.flatMap(expandStep),
    ...services.map(
      (s): PlanStep => ({
        kind: "rollout",
        service: s.name,
        from: s.current.version,
        to: s.target?.version ?? s.current.version,
      }),
    ),
    ...nextServices.flatMap(expandStep),
    ...services.map((s): PlanStep => ({ kind: "verify", service: s.name })),
  ];
  const rollouts = services.map(
    (s) => (index === 0 ? migrationTime(startMigrations(s).length) : 0) + rolloutSeconds(s.change?.strategy),
  );
  const ahead = nextServices.map((s) => migrationTime(startMigrations(s).length));
  return {
    index,
    steps,
    estimateSeconds: Math.max(maxOf(rollouts), maxOf(ahead)) + ESTIMATE_DEFAULTS.verifySeconds,
    backoutSeconds: maxOf(services.map((s) => backoutSeconds(s.change?.strategy))),
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
  const contracting = groups
    .flat()
    .filter((s) => contractMigrations(s).length > 0)
    .sort((a, b) => compareNames(a.name, b.name));
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
