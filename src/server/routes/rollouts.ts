import type { FastifyInstance } from "fastify";
import { ConflictError, InputError, NotFoundError } from "../../core/errors/domain-error.js";
import { type FinishedStep, rollbackRunPlan } from "../../core/run/rollback-run-plan.js";
import { isTerminalPhase } from "../../core/run/run-phase.js";
import type { RunPlan } from "../../core/run/run-plan.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";
import { presentRun } from "./runs.js";

function body(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === "") return {};
  if (typeof raw === "object" && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw === "string") {
    try {
      const v = JSON.parse(raw) as unknown;
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // reported below
    }
  }
  throw new InputError("request.bad-json", "the request body must be a JSON object");
}

const ACTIVE_STEP = new Set(["pending", "ready", "running", "waiting"]);

/** The run's stored plan (for the inputs of its steps, which the step records leave out). */
async function storedPlan(store: Store, runId: string): Promise<RunPlan> {
  const row = await store.database.db
    .selectFrom("runs")
    .select("plan")
    .where("id", "=", runId)
    .executeTakeFirst();
  if (row === undefined) throw new NotFoundError("run.not-found", `run ${runId} does not exist`);
  return JSON.parse(row.plan) as RunPlan;
}

/**
 * `POST /v1/runs/{id}/promote` (a promote signal for a service's rollout step) and
 * `POST /v1/runs/{id}/rollback` (a running run aborts and reverts; a finished one gets a rollback run).
 */
export function registerRolloutRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.post<{ Params: { id: string } }>("/v1/runs/:id/promote", async (request) => {
    const principal = requireRole(request, "operator");
    const b = body(request.body);
    const service = typeof b.service === "string" ? b.service : undefined;
    const id = request.params.id;
    const got = await store.runs.getRun(id);
    if (got === undefined) throw new NotFoundError("run.not-found", `run ${id} does not exist`);
    const rollouts = got.steps.filter((s) => s.kind === "rollout" && ACTIVE_STEP.has(s.state));
    let candidates = rollouts.filter((s) =>
      service === undefined ? s.state === "waiting" : s.service === service,
    );
    if (service !== undefined && candidates.length === 0)
      throw new NotFoundError(
        "promote.no-rollout",
        `run ${id} has no rollout of ${service} in progress; in progress: ${rollouts.map((s) => s.service).join(", ") || "none"}`,
      );
    if (candidates.length > 1) candidates = candidates.filter((s) => s.state === "waiting");
    if (candidates.length !== 1)
      throw new InputError(
        "promote.which-service",
        candidates.length === 0
          ? `run ${id} has no rollout waiting to be promoted`
          : `run ${id} has ${candidates.length} rollouts waiting (${candidates.map((s) => s.service).join(", ")}): name one with --service`,
      );
    const step = candidates[0];
    const run = await store.runs.signal(
      id,
      {
        kind: "promote",
        stepKey: step?.key ?? "",
        by: principal.name,
        ...(typeof b.reason === "string" ? { reason: b.reason } : {}),
      },
      now().getTime(),
    );
    const after = await store.runs.getRun(run.id);
    return { promoted: { service: step?.service, step: step?.key }, run: presentRun(run, after?.steps) };
  });

  app.get<{ Params: { id: string } }>("/v1/runs/:id/rollouts", async (request) => {
    requireRole(request, "viewer");
    const got = await store.runs.getRun(request.params.id);
    if (got === undefined)
      throw new NotFoundError("run.not-found", `run ${request.params.id} does not exist`);
    return {
      items: got.steps
        .filter((s) => s.kind === "rollout")
        .map((s) => ({
          step: s.key,
          service: s.service,
          direction: s.direction,
          state: s.state,
          ...rolloutSummary(s.output),
        })),
    };
  });

  app.post<{ Params: { id: string } }>("/v1/runs/:id/rollback", async (request, reply) => {
    const principal = requireRole(request, "operator");
    const b = body(request.body);
    const reason = typeof b.reason === "string" ? b.reason : "rollback requested";
    const id = request.params.id;
    const got = await store.runs.getRun(id);
    if (got === undefined) throw new NotFoundError("run.not-found", `run ${id} does not exist`);
    if (!isTerminalPhase(got.run.phase)) {
      const run = await store.runs.signal(id, { kind: "abort", by: principal.name, reason }, now().getTime());
      const after = await store.runs.getRun(id);
      return reply.code(202).send({ rollbackOf: id, run: presentRun(run, after?.steps) });
    }
    if (got.run.phase === "RolledBack" || got.run.phase === "Aborted")
      throw new ConflictError("run.rolled-back", `run ${id} is ${got.run.phase}: it was rolled back already`);
    const plan = await storedPlan(store, id);
    const inputs = new Map(plan.steps.map((s) => [s.key, s.input]));
    const steps: FinishedStep[] = got.steps.map((s) => ({ ...s, input: inputs.get(s.key) ?? {} }));
    const rollback = rollbackRunPlan(got.run, steps);
    if (rollback.steps.length === 0)
      throw new ConflictError(
        "run.nothing-to-roll-back",
        `run ${id} rolled nothing out: there is nothing to return`,
      );
    const created = await store.runs.createRun(rollback, { startedBy: principal.name, now: now().getTime() });
    const after = await store.runs.getRun(created.id);
    return reply.code(201).send({ rollbackOf: id, run: presentRun(created, after?.steps) });
  });
}

/** What a rollout step's checkpoint says, for people and dashboards (no secrets are ever in it). */
function rolloutSummary(output: Record<string, unknown>) {
  const pick = (k: string) => (output[k] === undefined ? {} : { [k]: output[k] });
  const state = output.state as { strategy?: string; state?: { kind?: string } } | undefined;
  return {
    ...pick("mode"),
    ...(state?.strategy ? { strategy: state.strategy, stage: state.state?.kind } : {}),
    ...pick("phase"),
    ...pick("message"),
    ...pick("plan"),
    ...pick("verdicts"),
    ...pick("analysisReports"),
    ...pick("failures"),
    ...pick("abortStartedAt"),
    ...pick("finishedAt"),
  };
}
