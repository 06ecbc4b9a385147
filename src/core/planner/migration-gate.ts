import type { DocumentOf } from "../documents/document-kinds.js";
import type { MigrationPhase } from "../migrations/migration-phase.js";
import type { PlanInput } from "./planning-fleet.js";
import type {
  EnvironmentPlan,
  PlanArchive,
  PlanMigrationProblem,
  PlanStep,
  ReleasePlan,
} from "./release-plan.js";
import type { MigrationFileFacts, ServiceMigrationFacts } from "./service-migration-facts.js";

const DEFAULT_ARCHIVE_SCHEMA = "archive";

/** `schema.table`, unqualified names in `public`, as the lint facts spell tables. */
function qualified(table: string): string {
  return table.includes(".") ? table : `public.${table}`;
}

function problemAt(
  facts: ServiceMigrationFacts,
  migration: string,
  ruleId: string,
  message: string,
  file = "",
  line = 1,
  column = 1,
): PlanMigrationProblem {
  return {
    service: facts.service,
    migration,
    ruleId,
    file: `${facts.directory}/${file || `${migration}.sql`}`,
    line,
    column,
    message,
  };
}

/**
 * What stops one migration of a release: a file the set lacks, a header naming another phase
 * than the release, or — for migrations that run before the rollout (expand, migrate) — any
 * finding of a rule that phase does not allow: the old version still serving traffic would break.
 * Acknowledgements do not lift these (as `migrate apply`'s gate: an acknowledgement accepts a
 * locking risk, it cannot make a drop safe for the old version).
 */
function migrationProblems(
  facts: ServiceMigrationFacts,
  migration: { readonly name: string; readonly phase: MigrationPhase },
  file: MigrationFileFacts | undefined,
): PlanMigrationProblem[] {
  if (file === undefined) {
    const known = facts.files.map((f) => f.name).join(", ") || "none";
    return [
      problemAt(
        facts,
        migration.name,
        "migration-missing",
        `the release names ${migration.name}, but ${facts.directory} has no ${migration.name}.sql (it has: ${known})`,
      ),
    ];
  }
  const lint = file.lint;
  if (lint.phaseSource === "header" && lint.phase !== migration.phase)
    return [
      problemAt(
        facts,
        migration.name,
        "phase-mismatch",
        `the release runs ${migration.name} as ${migration.phase}, but its header says phase=${lint.phase}`,
        file.fileName,
      ),
    ];
  if (migration.phase === "contract") return [];
  return lint.findings
    .filter((f) => !f.allowedPhases.includes(migration.phase))
    .map((f) =>
      problemAt(
        facts,
        migration.name,
        f.ruleId,
        `${f.message}: not allowed in ${migration.phase} (runs before the rollout, while the old version serves traffic); move it to a contract migration`,
        file.fileName,
        f.line,
        f.column,
      ),
    );
}

/** The archive steps a service's contract migrations need, from its retention rules. */
export function archivesFor(
  service: DocumentOf<"Service"> | undefined,
  facts: ServiceMigrationFacts,
  migrations: readonly string[],
): PlanArchive[] {
  const rules = service?.spec.retention ?? [];
  if (rules.length === 0) return [];
  const archives: PlanArchive[] = [];
  for (const name of migrations) {
    const file = facts.files.find((f) => f.name === name);
    for (const removed of file?.removedTables ?? []) {
      const rule = rules.find((r) => qualified(r.table) === removed.table);
      if (rule === undefined) continue;
      const bare = removed.table.split(".").pop() ?? removed.table;
      archives.push({
        migration: name,
        table: removed.table,
        how: removed.how,
        archiveTable: `${rule.archiveSchema ?? DEFAULT_ARCHIVE_SCHEMA}.${bare}`,
        view: removed.table,
        retention: rule.period,
      });
    }
  }
  return archives;
}

function withArchives(plan: EnvironmentPlan, archives: ReadonlyMap<string, PlanArchive[]>): EnvironmentPlan {
  if (archives.size === 0) return plan;
  return {
    ...plan,
    waves: plan.waves.map((wave) => ({
      ...wave,
      steps: wave.steps.map((step): PlanStep => {
        if (step.kind !== "migrate-contract") return step;
        const archive = archives.get(step.service) ?? [];
        return archive.length === 0 ? step : { ...step, archive };
      }),
    })),
  };
}

/**
 * Checks a release's migrations against their linted sets (plan input) and annotates its
 * contract steps with the archive each retention rule requires. Without linted sets the plan is
 * returned as it is; with them, any problem makes the plan infeasible and is listed with its
 * file:line:column and rule id.
 */
export function applyMigrationGate(plan: ReleasePlan, input: PlanInput): ReleasePlan {
  const sets = input.migrations;
  if (sets === undefined) return plan;
  const problems: PlanMigrationProblem[] = [];
  const archives = new Map<string, PlanArchive[]>();
  for (const change of input.release.spec.changes) {
    const wanted = change.migrations ?? [];
    if (wanted.length === 0) continue;
    const facts = sets.find((s) => s.service === change.service);
    const service = input.services.find((s) => s.metadata.name === change.service);
    if (facts === undefined) {
      problems.push({
        service: change.service,
        migration: wanted[0]?.name ?? "",
        ruleId: "migration-missing",
        file: "",
        line: 1,
        column: 1,
        message: `the release runs migrations of ${change.service}, but its Service declares no spec.migrations.path`,
      });
      continue;
    }
    for (const p of facts.problems)
      problems.push(problemAt(facts, wanted[0]?.name ?? "", "migration-set-invalid", p));
    for (const migration of wanted)
      problems.push(
        ...migrationProblems(
          facts,
          migration,
          facts.files.find((f) => f.name === migration.name),
        ),
      );
    const contract = wanted.filter((m) => m.phase === "contract").map((m) => m.name);
    archives.set(change.service, archivesFor(service, facts, contract));
  }
  return {
    ...plan,
    feasible: plan.feasible && problems.length === 0,
    environments: plan.environments.map((e) => withArchives(e, archives)),
    ...(problems.length > 0 ? { migrationProblems: problems } : {}),
  };
}

/** A problem as one line: `file:line:column rule-id: message`, like the linter prints. */
export function formatPlanMigrationProblem(problem: PlanMigrationProblem): string {
  return `${problem.file}:${problem.line}:${problem.column} ${problem.ruleId}: ${problem.service} ${problem.migration}: ${problem.message}`;
}
