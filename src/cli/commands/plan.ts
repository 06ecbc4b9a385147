import type { Command } from "commander";
import { formatProblem } from "../../core/documents/problem.js";
import { validateSources } from "../../core/documents/validate-documents.js";
import { planInputFromDocuments } from "../../core/planner/plan-input-from-documents.js";
import { planRelease } from "../../core/planner/plan-release.js";
import type { PlanInput } from "../../core/planner/planning-fleet.js";
import type { ReleasePlan } from "../../core/planner/release-plan.js";
import { renderPlanDot } from "../../core/planner/render-dot.js";
import { renderPlanMermaid } from "../../core/planner/render-mermaid.js";
import { ApiClient } from "../api-client.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { parseOutputFormat, renderTable } from "../output.js";
import { readSources } from "../read-sources.js";
import { migrationPlanLines, withDocumentMigrationFacts } from "./plan-migrations.js";

const minutes = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

/** The plan as a person reads it: waves with their steps, estimates and backout times, or why none exists. */
export function renderPlanText(plan: ReleasePlan): string {
  const out: string[] = [];
  for (const env of plan.environments) {
    out.push(`environment ${env.name}`);
    if (env.waves.length === 0) {
      out.push("  no valid order of waves (see the conflicts below)", "");
      continue;
    }
    out.push(
      renderTable(
        ["wave", "step", "service", "detail", "estimate", "backout"],
        env.waves.flatMap((w) =>
          w.steps.map((s, i) => [
            i === 0 ? String(w.index) : "",
            s.kind,
            s.service,
            s.kind === "rollout" ? `${s.from} → ${s.to}` : "migrations" in s ? s.migrations.join(", ") : "",
            i === 0 ? minutes(w.estimateSeconds) : "",
            i === 0 ? minutes(w.backoutSeconds) : "",
          ]),
        ),
      ),
    );
    out.push("");
  }
  for (const c of plan.conflicts) {
    out.push(`conflict: ${c.message}`);
    for (const r of c.requirements)
      out.push(
        `  ${r.consumer} requires ${r.api} ${r.range}; ${r.provider ?? "no service"} provides ${r.provides.join(", ") || "nothing in range"}`,
      );
    for (const s of c.suggestions) out.push(`  suggestion: ${s}`);
  }
  for (const cycle of plan.cycles) out.push(`dependsOn cycle: ${cycle.join(" → ")}`);
  out.push(...migrationPlanLines(plan));
  out.push(
    plan.feasible
      ? `feasible: ${minutes(plan.estimate.durationSeconds)} in all; backout at most ${minutes(plan.estimate.backoutSeconds)}`
      : (plan.migrationProblems ?? []).length > 0
        ? "NOT feasible: the release's migrations are blocked (see above)"
        : "NOT feasible: no order keeps every consumer compatible (see above)",
  );
  return out.join("\n");
}

/** `upshift plan`: from files (no server needed) or from the server's documents. */
export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("plan a release: waves in which no consumer meets an incompatible provider, with estimates")
    .requiredOption("--release <name>", "Release document")
    .option("--env <name>", "only this environment (default: every environment of the release)")
    .option("-f, --file <paths...>", "plan from these files alone, without a server")
    .option("-o, --output <format>", "table, json, yaml, mermaid or dot", "table")
    .action(
      async (
        options: { release: string; env?: string; file?: string[]; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["table", "json", "yaml", "mermaid", "dot"]);
        let plan: ReleasePlan;
        let input: PlanInput | undefined;
        if (options.file) {
          const validation = validateSources(readSources(options.file));
          if (validation.problems.length > 0) {
            throw new CliError(
              `${validation.problems.length} problems in the documents; nothing was planned`,
              EXIT.invalid,
              validation.problems.map(formatProblem),
            );
          }
          input = planInputFromDocuments(
            validation.documents.map((d) => d.doc),
            options.release,
          );
          input = await withDocumentMigrationFacts(input, validation.documents);
          plan = planRelease(input, options.env ? { environment: options.env } : {});
        } else {
          const api = new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
          const stored = await api.request<{ plan: ReleasePlan; input: PlanInput }>("POST", "v1/plans", {
            contentType: "application/json",
            payload: JSON.stringify({
              release: options.release,
              ...(options.env ? { environment: options.env } : {}),
              includeInput: true,
            }),
          });
          plan = stored.plan;
          input = stored.input;
        }
        if (format === "json") process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
        else if (format === "yaml") process.stdout.write((await import("yaml")).stringify(plan));
        else if (format === "mermaid") process.stdout.write(`${renderPlanMermaid(plan, input)}\n`);
        else if (format === "dot") process.stdout.write(`${renderPlanDot(plan, input)}\n`);
        else process.stdout.write(`${renderPlanText(plan)}\n`);
        if (!plan.feasible) process.exitCode = EXIT.notPossible;
      },
    );
}
