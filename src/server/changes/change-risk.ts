import { checkSlot } from "../../core/calendar/check-slot.js";
import type { ChangeRequest } from "../../core/change/change-request.js";
import { computeRisk } from "../../core/change/risk/compute-risk.js";
import { migrationHazardsOf } from "../../core/change/risk/migration-hazards.js";
import type {
  FleetService,
  MigrationHazard,
  PastChange,
  RiskFacts,
} from "../../core/change/risk/risk-facts.js";
import { riskModelFromPolicy } from "../../core/change/risk/risk-model.js";
import type { PlanWave } from "../../core/planner/release-plan.js";
import type { ChangeDetails } from "./change-details.js";
import { type ChangeWorld, calendarWorldFor, documentOf } from "./change-world.js";

const DAY = 86_400_000;

/** Services of the fleet with tier (spec, else the `tier` label), labels and dependencies. */
export function fleetOf(
  world: ChangeWorld,
): (FleetService & { readonly labels: Readonly<Record<string, string>> })[] {
  return world.documents.flatMap((d) => {
    if (d.kind !== "Service") return [];
    const labelTier = Number(d.metadata.labels?.tier);
    return [
      {
        name: d.metadata.name,
        tier: d.spec.tier ?? (Number.isInteger(labelTier) ? labelTier : undefined),
        dependsOn: d.spec.dependsOn ?? [],
        labels: d.metadata.labels ?? {},
      },
    ];
  });
}

/**
 * The destructive or locking migrations of the services in scope: the hazards found when the
 * change was planned (with the linter's rule and file, when the server reads migration files:
 * UPSHIFT_MIGRATIONS_ROOT), else the Release's contract migrations.
 */
function hazardsOf(
  world: ChangeWorld,
  release: string,
  services: readonly string[],
  planned: readonly MigrationHazard[] | undefined,
): MigrationHazard[] {
  if (planned !== undefined) return planned.filter((h) => services.includes(h.service));
  const doc = documentOf(world, "Release", release);
  return migrationHazardsOf(doc?.spec.changes ?? [], services, undefined);
}

/** The test coverage gaps the Release declares for services in scope (`spec.coverageGaps`). */
function coverageGapsOf(world: ChangeWorld, release: string, services: readonly string[]) {
  const doc = documentOf(world, "Release", release);
  return (doc?.spec.coverageGaps ?? []).filter((g) => services.includes(g.service));
}

/** Freeze occurrences within three days of the window, in the change's scope. */
function freezesNear(world: ChangeWorld, change: ChangeRequest): RiskFacts["freezes"] {
  if (change.window === undefined) return [];
  const report = checkSlot(calendarWorldFor(world, change.number), {
    id: change.number,
    environment: change.environment,
    services: change.scope.map((s) => s.name),
    start: change.window.start - 3 * DAY,
    end: change.window.end + 3 * DAY,
  });
  return report.conflicts.flatMap((c) =>
    c.kind === "freeze" ? [{ name: c.window, start: Date.parse(c.start), end: Date.parse(c.end) }] : [],
  );
}

/**
 * The change's risk now, from its plan, scope, window, the calendar, the services' history, the
 * migration hazards found when it was planned and the coverage gaps its Release declares.
 */
export function assessChangeRisk(
  world: ChangeWorld,
  change: ChangeRequest,
  waves: readonly PlanWave[],
  history: readonly PastChange[],
  at: number,
  plannedHazards: readonly MigrationHazard[] | undefined,
): ChangeDetails["risk"] {
  const services = change.scope.map((s) => s.name);
  const facts: RiskFacts = {
    type: change.type,
    services,
    fleet: fleetOf(world),
    waves: waves.length,
    migrationHazards: hazardsOf(world, change.release, services, plannedHazards),
    history,
    assessedAt: at,
    window: change.window,
    freezes: freezesNear(world, change),
    coverageGaps: coverageGapsOf(world, change.release, services),
  };
  const { model } = riskModelFromPolicy(world.policy);
  return { ...computeRisk(facts, model), bands: model.bands, assessedAt: at };
}
