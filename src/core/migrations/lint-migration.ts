import { advanceLintState } from "./advance-lint-state.js";
import {
  type LintAcknowledgement,
  parseAcknowledgement,
  statementAcknowledgements,
} from "./lint-acknowledgement.js";
import type { RuleHit } from "./lint-check.js";
import { DEFAULT_LINT_OPTIONS, type LintOptions } from "./lint-check.js";
import type { LintFinding, MigrationLint } from "./lint-finding.js";
import { isBreaking } from "./lint-rule.js";
import { findLintRule, type LintRuleId, lintRule } from "./lint-rules.js";
import { initialLintState, type SchemaCatalog } from "./lint-state.js";
import { type MigrationPhase, type PhaseSource, readPhaseHeader } from "./migration-phase.js";
import { inferPhase } from "./phase-inference.js";
import { checkAlterTable } from "./rules/alter-table-rules.js";
import { checkColumnTypes } from "./rules/column-type-rules.js";
import { checkDestructive } from "./rules/destructive-rules.js";
import { checkIndexes } from "./rules/index-rules.js";
import { checkIdempotency, checkTimeouts, checkTransactionNesting } from "./rules/session-rules.js";
import { parseSql, type SqlStatement } from "./sql-statements.js";

const CHECKS = [
  checkAlterTable,
  checkDestructive,
  checkIndexes,
  checkTimeouts,
  checkTransactionNesting,
  checkIdempotency,
  checkColumnTypes,
];

/** Rules about the linter's own input, which no comment may silence. */
const UNACKNOWLEDGEABLE = new Set<string>([
  "ack-missing-reason",
  "ack-unknown-rule",
  "ack-unused",
  "syntax-error",
  "phase-header-invalid",
]);

/** A finding before the file's phase is known. */
interface Located extends RuleHit {
  readonly line: number;
  readonly column: number;
  readonly statement: string;
  readonly acknowledged: LintAcknowledgement | undefined;
}

/** What linting a file returns: the verdict, and the schema known after it for the next file. */
export interface LintOutcome {
  readonly lint: MigrationLint;
  readonly catalog: SchemaCatalog;
}

/**
 * Lints one migration file with the PostgreSQL parser (call `loadSqlParser()` once first).
 * `catalog` holds the column types created by earlier migrations of the set.
 */
export function lintMigration(
  file: string,
  text: string,
  options: LintOptions = DEFAULT_LINT_OPTIONS,
  catalog: SchemaCatalog = new Map(),
): LintOutcome {
  const header = readPhaseHeader(text);
  const parsed = parseSql(text);
  const located: Located[] = [];
  if (header.kind === "invalid") {
    located.push(
      meta(
        "phase-header-invalid",
        `phase "${header.value}" is not expand, migrate or contract`,
        header.line,
        1,
      ),
    );
  }
  const state = initialLintState(catalog, options.presetTimeouts);
  if (parsed.kind === "syntax-error") {
    located.push(meta("syntax-error", parsed.message, parsed.position.line, parsed.position.column));
  } else {
    for (const statement of parsed.statements) {
      const hits = CHECKS.flatMap((check) => check(statement, state, options));
      located.push(...acknowledge(statement, hits));
      advanceLintState(state, statement);
    }
    const open = state.transactionStart;
    if (open !== undefined) {
      located.push(
        at(
          open,
          { ruleId: "transaction-unterminated", message: "BEGIN is never committed or rolled back" },
          undefined,
        ),
      );
    }
    for (const comment of parsed.trailingComments) {
      const ack = parseAcknowledgement(comment);
      if (ack !== undefined)
        located.push(
          meta("ack-unused", `acknowledgement of ${ack.ruleId} precedes no statement`, ack.line, ack.column),
        );
    }
  }
  const statements = parsed.kind === "parsed" ? parsed.statements : [];
  const inferred = inferPhase(statements, located);
  const [phase, source, reason]: [MigrationPhase, PhaseSource, string] =
    header.kind === "declared"
      ? [header.phase, "header", `declared on line ${header.line}`]
      : [inferred.phase, "inferred", inferred.reason];
  const findings = located
    .map((hit) => finish(file, hit, phase))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const lint: MigrationLint = {
    file,
    phase,
    phaseSource: source,
    phaseReason: reason,
    statementCount: statements.length,
    findings,
    blocking: findings.some((f) => f.blocking),
  };
  return { lint, catalog: state.catalog };
}

/** Attaches acknowledgements to a statement's hits and reports the acknowledgements that are wrong. */
function acknowledge(statement: SqlStatement, hits: readonly RuleHit[]): Located[] {
  const acks = statementAcknowledgements(statement);
  const out: Located[] = [];
  for (const hit of hits)
    out.push(
      at(
        statement,
        hit,
        acks.find((a) => a.ruleId === hit.ruleId && a.reason !== ""),
      ),
    );
  for (const ack of acks) {
    const rule = findLintRule(ack.ruleId);
    if (rule === undefined || UNACKNOWLEDGEABLE.has(ack.ruleId)) {
      out.push(
        meta(
          "ack-unknown-rule",
          `"${ack.ruleId}" is not a rule that can be acknowledged`,
          ack.line,
          ack.column,
        ),
      );
    } else if (!hits.some((hit) => hit.ruleId === ack.ruleId)) {
      out.push(
        meta("ack-unused", `the statement below does not trigger ${ack.ruleId}`, ack.line, ack.column),
      );
    } else if (ack.reason === "") {
      out.push(
        meta("ack-missing-reason", `acknowledgement of ${ack.ruleId} gives no reason`, ack.line, ack.column),
      );
    }
  }
  return out;
}

function at(statement: SqlStatement, hit: RuleHit, ack: LintAcknowledgement | undefined): Located {
  const newline = statement.text.indexOf("\n");
  const firstLine = newline === -1 ? statement.text : statement.text.slice(0, newline).trimEnd();
  const excerpt = firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine;
  return {
    ...hit,
    line: statement.position.line,
    column: statement.position.column,
    statement: excerpt,
    acknowledged: ack,
  };
}

function meta(ruleId: LintRuleId, message: string, line: number, column: number): Located {
  return { ruleId, message, line, column, statement: "", acknowledged: undefined };
}

function finish(file: string, hit: Located, phase: MigrationPhase): LintFinding {
  const rule = lintRule(hit.ruleId);
  const phaseViolation = !rule.allowedPhases.includes(phase);
  const acknowledged = hit.acknowledged === undefined ? null : { reason: hit.acknowledged.reason };
  // An acknowledgement accepts a risk; it cannot make a breaking statement safe for old clients.
  const breakingInExpand = phase === "expand" && isBreaking(rule);
  const blocking =
    breakingInExpand || (acknowledged === null && (rule.severity === "error" || phaseViolation));
  return {
    ruleId: rule.id,
    severity: rule.severity,
    file,
    line: hit.line,
    column: hit.column,
    message: hit.message,
    statement: hit.statement,
    why: rule.why,
    safePattern: rule.safePattern,
    allowedPhases: rule.allowedPhases,
    acknowledged,
    phaseViolation,
    blocking,
  };
}
