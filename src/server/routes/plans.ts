import type { FastifyInstance } from "fastify";
import { withMigrationFacts } from "../../adapters/dbmigrate/migration-facts.js";
import { verificationFor } from "../../core/analysis/verification-settings.js";
import { durationSeconds } from "../../core/documents/duration.js";
import { InfeasibleError, InputError, NotFoundError } from "../../core/errors/domain-error.js";
import { formatPlanMigrationProblem } from "../../core/planner/migration-gate.js";
import { planInputFromDocuments } from "../../core/planner/plan-input-from-documents.js";
import { planRelease } from "../../core/planner/plan-release.js";
import type { PlanInput } from "../../core/planner/planning-fleet.js";
import type { ReleasePlan } from "../../core/planner/release-plan.js";
import type { RunPlan } from "../../core/run/run-plan.js";
import { runPlanFromEnvironmentPlan } from "../../core/run/run-plan-from-release.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";

/** Plans a release from the stored documents; returns the generations it used. */
export async function planFromStore(
  store: Store,
  release: string,
  environment?: string,
): Promise<{ plan: ReleasePlan; input: PlanInput; generations: Record<string, number> }> {
  const stored = await store.documents.list();
  // With a migrations root the server reads and lints the release's migration sets too.
  const root = process.env.UPSHIFT_MIGRATIONS_ROOT;
  const documentsOnly = planInputFromDocuments(
    stored.map((s) => s.doc),
    release,
  );
  const input = root === undefined ? documentsOnly : await withMigrationFacts(documentsOnly, () => root);
  const plan = planRelease(input, environment ? { environment } : {});
  const generations: Record<string, number> = {};
  for (const s of stored)
    if (s.doc.kind === "Service" || (s.doc.kind === "Release" && s.doc.metadata.name === release))
      generations[`${s.doc.kind}/${s.doc.metadata.name}`] = s.generation;
  return { plan, input, generations };
}

/** The engine's run plan for one environment, or an InfeasibleError that carries the conflicts. */
export async function runPlanFromStore(store: Store, release: string, environment: string): Promise<RunPlan> {
  const { plan, input } = await planFromStore(store, release, environment);
  if (!plan.feasible) {
    throw new InfeasibleError(
      "plan.infeasible",
      `release ${release} has no valid order in ${environment}: ${[...plan.conflicts.map((c) => c.message), ...(plan.migrationProblems ?? []).map(formatPlanMigrationProblem)].join("; ") || "see cycles"}`,
      {
        details: {
          conflicts: plan.conflicts,
          cycles: plan.cycles,
          migrationProblems: plan.migrationProblems ?? [],
        },
      },
    );
  }
  const envPlan = plan.environments.find((e) => e.name === environment);
  if (envPlan === undefined)
    throw new NotFoundError("plan.unknown-environment", `release ${release} does not go to ${environment}`);
  const policies = (await store.documents.list()).flatMap((s) =>
    s.doc.kind === "Policy" ? [s.doc.spec] : [],
  );
  const window = input.release.spec.rollbackWindow;
  return runPlanFromEnvironmentPlan(
    release,
    envPlan,
    input.release.spec.changes,
    (service) => verificationFor(input.release.spec, policies, service),
    { rollbackWindowSeconds: window === undefined ? 0 : durationSeconds(window) },
  );
}

/** `POST /v1/plans`: plan from the stored documents and keep the plan with its document generations. */
export function registerPlanRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.post("/v1/plans", async (request) => {
    const principal = requireRole(request, "viewer");
    let body: Record<string, unknown>;
    try {
      body =
        typeof request.body === "string" && request.body.trim() !== ""
          ? (JSON.parse(request.body) as Record<string, unknown>)
          : {};
    } catch (error) {
      throw new InputError("request.bad-json", `the request body must be JSON: ${(error as Error).message}`);
    }
    if (typeof body.release !== "string")
      throw new InputError("plan.release-required", 'send {"release": "<name>", "environment"?: "<name>"}');
    const environment = typeof body.environment === "string" ? body.environment : undefined;
    const { plan, input, generations } = await planFromStore(store, body.release, environment);
    const saved = await store.plans.save(plan, {
      environment: environment ?? null,
      generations,
      by: principal.name,
      now: now().getTime(),
    });
    return {
      id: saved.id,
      createdAt: saved.createdAt,
      generations,
      plan,
      ...(body.includeInput === true ? { input } : {}),
    };
  });

  app.get<{ Params: { id: string } }>("/v1/plans/:id", async (request) => {
    requireRole(request, "viewer");
    const saved = await store.plans.get(request.params.id);
    if (saved === undefined)
      throw new NotFoundError("plan.not-found", `plan ${request.params.id} does not exist`);
    return {
      id: saved.id,
      createdAt: saved.createdAt,
      createdBy: saved.createdBy,
      generations: saved.generations,
      plan: saved.plan,
    };
  });
}
