import { LINT_RULES } from "../../migrations/lint-rules.js";
import type { MigrationPhase } from "../../migrations/migration-phase.js";
import type { ServiceMigrationFacts } from "../../planner/service-migration-facts.js";
import type { MigrationHazard } from "./risk-facts.js";

/**
 * Rules whose findings take a lock that blocks reads or writes for as long as the statement runs
 * (a table rewrite, an index build, a validation scan) or lets a lock queue grow unbounded.
 */
const LOCKING_RULES: ReadonlySet<string> = new Set([
  "volatile-default",
  "constraint-without-not-valid",
  "create-index-non-concurrently",
  "drop-index-non-concurrently",
  "reindex-non-concurrently",
  "add-unique-constraint",
  "add-serial-column",
  "require-lock-timeout",
  "require-statement-timeout",
]);

/**
 * How a linter finding weighs in the risk: destructive when the rule flags a change the previous
 * version cannot live with or data that is gone (a rule that expand does not allow: drops,
 * renames, type changes, NOT NULL), locking for the lock hazards above, nothing for the rest
 * (style, idempotency, acknowledgement bookkeeping).
 */
export function hazardKindOfRule(ruleId: string): MigrationHazard["kind"] | undefined {
  const rule = LINT_RULES.find((r) => r.id === ruleId);
  if (rule === undefined) return undefined;
  if (!(rule.allowedPhases as readonly MigrationPhase[]).includes("expand")) return "destructive";
  return LOCKING_RULES.has(ruleId) ? "locking" : undefined;
}

/** A release change's migrations, as the risk reads them. */
export interface ReleaseMigrations {
  readonly service: string;
  readonly migrations?: readonly { readonly name: string; readonly phase: MigrationPhase }[];
}

/**
 * The destructive or locking migrations of the services in scope. With the linted migration sets
 * (the plan input's `migrations`), each finding of a destructive or locking rule is a hazard that
 * names its rule and `<directory>/<file>:<line>` (acknowledged findings count too: the
 * acknowledgement accepts the risk, it does not remove it). A contract migration with no such
 * finding, or any contract migration when the files were not read, counts as destructive: it
 * removes what the previous version used.
 */
export function migrationHazardsOf(
  changes: readonly ReleaseMigrations[],
  services: readonly string[],
  linted: readonly ServiceMigrationFacts[] | undefined,
): MigrationHazard[] {
  const hazards: MigrationHazard[] = [];
  for (const change of changes) {
    if (!services.includes(change.service)) continue;
    const set = linted?.find((f) => f.service === change.service);
    for (const m of change.migrations ?? []) {
      const file = set?.files.find((f) => f.name === m.name);
      const found: MigrationHazard[] = [];
      for (const finding of file?.lint.findings ?? []) {
        const kind = hazardKindOfRule(finding.ruleId);
        if (kind === undefined || set === undefined || file === undefined) continue;
        const ack = finding.acknowledged === null ? "" : `; acknowledged: ${finding.acknowledged.reason}`;
        found.push({
          service: change.service,
          migration: m.name,
          kind,
          rule: finding.ruleId,
          file: `${set.directory}/${file.fileName}:${finding.line}`,
          detail: `${finding.message}${ack}`,
        });
      }
      if (found.length === 0 && m.phase === "contract")
        found.push({
          service: change.service,
          migration: m.name,
          kind: "destructive",
          detail: "contract phase removes what the previous version used",
        });
      hazards.push(...found);
    }
  }
  return hazards;
}
