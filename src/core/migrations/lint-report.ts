import type { LintFinding, MigrationLint } from "./lint-finding.js";

/** The output of `upshift migrate lint <paths> --output json`. */
export interface LintReport {
  readonly files: readonly MigrationLint[];
  readonly summary: {
    readonly files: number;
    readonly statements: number;
    readonly errors: number;
    readonly warnings: number;
    readonly acknowledged: number;
    readonly blocking: number;
  };
  /** The CLI exits non-zero when true. */
  readonly blocking: boolean;
}

/** Gathers file verdicts into one report with counts. */
export function buildLintReport(files: readonly MigrationLint[]): LintReport {
  const findings = files.flatMap((f) => f.findings);
  const open = findings.filter((f) => f.acknowledged === null);
  const blocking = findings.filter((f) => f.blocking).length;
  return {
    files,
    summary: {
      files: files.length,
      statements: files.reduce((n, f) => n + f.statementCount, 0),
      errors: open.filter((f) => f.severity === "error").length,
      warnings: open.filter((f) => f.severity === "warning").length,
      acknowledged: findings.length - open.length,
      blocking,
    },
    blocking: blocking > 0,
  };
}

/** Options of the text output. */
export interface LintTextOptions {
  /** Add the why and the safe pattern under each finding. */
  readonly verbose?: boolean;
  /** Also list acknowledged findings. */
  readonly showAcknowledged?: boolean;
}

/** One finding as compilers print them: `file:line:col rule-id severity: message`. */
export function formatLintFinding(finding: LintFinding): string {
  const phase = finding.phaseViolation
    ? ` [not allowed in this phase; allowed: ${finding.allowedPhases.join(", ") || "none"}]`
    : "";
  const ack = finding.acknowledged === null ? "" : ` [acknowledged: ${finding.acknowledged.reason}]`;
  return `${finding.file}:${finding.line}:${finding.column} ${finding.ruleId} ${finding.severity}: ${finding.message}${phase}${ack}`;
}

/** The text output of `upshift migrate lint`: findings, then a summary line. */
export function formatLintReport(report: LintReport, options: LintTextOptions = {}): string {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const finding of file.findings) {
      if (finding.acknowledged !== null && options.showAcknowledged !== true) continue;
      lines.push(formatLintFinding(finding));
      if (options.verbose === true) lines.push(`  why: ${finding.why}`, `  instead: ${finding.safePattern}`);
    }
  }
  const s = report.summary;
  lines.push(
    `${s.files} file(s), ${s.statements} statement(s): ${s.errors} error(s), ${s.warnings} warning(s), ${s.acknowledged} acknowledged, ${s.blocking} blocking`,
  );
  return lines.join("\n");
}
