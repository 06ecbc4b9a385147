import { dirname } from "node:path";
import type { CheckedDocument } from "../../core/documents/validate-document.js";
import { formatPlanMigrationProblem } from "../../core/planner/migration-gate.js";
import type { PlanInput } from "../../core/planner/planning-fleet.js";
import type { ReleasePlan } from "../../core/planner/release-plan.js";

/**
 * `upshift plan -f`: the release's migration sets are read and linted before planning; a Service's
 * relative `spec.migrations.path` is relative to the file its document came from.
 */
export async function withDocumentMigrationFacts(
  input: PlanInput,
  documents: readonly CheckedDocument[],
): Promise<PlanInput> {
  const { withMigrationFacts } = await import("../../adapters/dbmigrate/migration-facts.js");
  return withMigrationFacts(input, (service) => {
    const file = documents.find((d) => d.doc === service)?.source?.file;
    return file === undefined ? process.cwd() : dirname(file);
  });
}

/** The plan's migration problems and archive steps, as lines under the waves. */
export function migrationPlanLines(plan: ReleasePlan): string[] {
  const lines = (plan.migrationProblems ?? []).map(
    (p) => `migration blocked: ${formatPlanMigrationProblem(p)}`,
  );
  for (const env of plan.environments)
    for (const wave of env.waves)
      for (const step of wave.steps)
        if (step.kind === "migrate-contract")
          for (const a of step.archive ?? [])
            lines.push(
              `archive first (${env.name}, wave ${wave.index}): ${a.migration} ${a.how === "drop" ? "drops" : "moves"} ${a.table}, kept ${a.retention}: rows copied to ${a.archiveTable}, read-only view ${a.view} after the contract`,
            );
  return lines;
}
