import { checkSlot } from "../../core/calendar/check-slot.js";
import type { ChangeRequest } from "../../core/change/change-request.js";
import { computeRisk } from "../../core/change/risk/compute-risk.js";
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
 * Contract migrations drop what the old version used: counted as destructive. The SQL linter is
 * not consulted here (it needs the migration files, which the control plane does not hold).
 */
function hazardsOf(world: ChangeWorld, release: string, services: readonly string[]): MigrationHazard[] {
  const doc = documentOf(world, "Release", release);
  return (doc?.spec.changes ?? []).flatMap((c) =>
    services.includes(c.service)
      ? (c.migrations ?? [])
          .filter((m) => m.phase === "contract")
          .map((m) => ({
            service: c.service,
            migration: m.name,
            kind: "destructive" as const,
            detail: "contract phase removes what the previous version used",
          }))
      : [],
  );
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

/** The change's risk now, from its plan, scope, window, the calendar and the services' history. */
export function assessChangeRisk(
  world: ChangeWorld,
  change: ChangeRequest,
  waves: readonly PlanWave[],
  history: readonly PastChange[],
  at: number,
): ChangeDetails["risk"] {
  const services = change.scope.map((s) => s.name);
  const facts: RiskFacts = {
    type: change.type,
    services,
    fleet: fleetOf(world),
    waves: waves.length,
    migrationHazards: hazardsOf(world, change.release, services),
    history,
    assessedAt: at,
    window: change.window,
    freezes: freezesNear(world, change),
    coverageGaps: [],
  };
  const { model } = riskModelFromPolicy(world.policy);
  return { ...computeRisk(facts, model), bands: model.bands, assessedAt: at };
}
