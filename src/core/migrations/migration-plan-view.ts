import { formatLintFinding } from "./lint-report.js";
import type { MigrationPlan } from "./migration-plan.js";

/** `upshift migrate status --output json`: each migration's status and whether the run is blocked. */
export function migrationStatusJson(plan: MigrationPlan) {
  return {
    blocked: plan.status.blocked,
    blockReasons: plan.status.blockReasons,
    migrations: plan.status.statuses.map((s) =>
      s.kind === "missing"
        ? { status: s.kind, version: s.applied.version, name: s.applied.name }
        : {
            status: s.kind,
            file: s.file.fileName,
            version: s.file.kind === "versioned" ? s.file.version : null,
          },
    ),
  };
}

/** Rows (version, file, status) of the `upshift migrate status` table. */
export function migrationStatusRows(plan: MigrationPlan): string[][] {
  return plan.status.statuses.map((s) => {
    if (s.kind === "missing")
      return [String(s.applied.version ?? "R"), s.applied.name, "missing (file gone)"];
    const detail =
      s.kind === "pending"
        ? `pending${s.outOfOrder ? " (out of order)" : ""}${s.reapply ? " (changed, re-apply)" : ""}`
        : s.kind === "drifted"
          ? `DRIFTED (${s.changed.join(", ")} changed)`
          : "applied";
    return [s.file.kind === "versioned" ? String(s.file.version) : "R", s.file.fileName, detail];
  });
}

/** `upshift migrate plan --output json`: pending files with phase and findings, and block reasons. */
export function migrationPlanJson(plan: MigrationPlan) {
  return {
    blocked: plan.blocked,
    blockReasons: plan.blockReasons,
    pending: plan.pending.map((p) => ({ file: p.file.fileName, phase: p.phase, findings: p.findings })),
  };
}

/** The text of `upshift migrate plan`: numbered pending files, their findings, then why it is blocked. */
export function formatMigrationPlan(plan: MigrationPlan): string {
  if (plan.pending.length === 0 && !plan.blocked) return "nothing to apply";
  const lines = plan.pending.map((p, i) => `${i + 1}. ${p.file.fileName} (${p.phase})`);
  for (const p of plan.pending) for (const f of p.findings) lines.push(`   ${formatLintFinding(f)}`);
  for (const reason of plan.blockReasons) lines.push(`blocked: ${reason}`);
  if (!plan.blocked) lines.push(`${plan.pending.length} migration(s) to apply`);
  return lines.join("\n");
}
