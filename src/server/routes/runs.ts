import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { InputError, NotFoundError } from "../../core/errors/domain-error.js";
import { isTerminalPhase, RUN_PHASES, type RunPhase } from "../../core/run/run-phase.js";
import type { PlannedStep, RunPlan } from "../../core/run/run-plan.js";
import { isSignalKind, SIGNAL_KINDS, SIGNAL_ROLE } from "../../core/run/signal.js";
import type { RunRecord, StepRecord } from "../../store/run-repository.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";
import { ChangeGate } from "../changes/change-gate.js";
import { ChangeService } from "../changes/change-service.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The run status shape the CLI prints with `--output json` (documented in the README). */
export function presentRun(run: RunRecord, steps?: readonly StepRecord[]) {
  return {
    id: run.id,
    release: run.release,
    environment: run.environment,
    phase: run.phase,
    message: run.message,
    conditions: run.conditions,
    startedBy: run.startedBy,
    createdAt: iso(run.createdAt),
    finishedAt: iso(run.finishedAt),
    ...(steps
      ? {
          steps: steps.map((s) => ({
            id: s.key,
            kind: s.kind,
            service: s.service,
            wave: s.wave,
            direction: s.direction,
            state: s.state,
            attempt: s.attempt,
            startedAt: iso(s.startedAt),
            finishedAt: iso(s.finishedAt),
            // A running step's live progress is the message it last checkpointed (rollouts do).
            message:
              s.state === "running" && typeof s.output.message === "string" ? s.output.message : s.message,
          })),
        }
      : {}),
  };
}

function parseJson(body: unknown): Record<string, unknown> {
  if (typeof body !== "string" || body.trim() === "") return {};
  try {
    const v = JSON.parse(body) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (error) {
    throw new InputError(
      "request.bad-json",
      `the request body must be a JSON object: ${(error as Error).message}`,
    );
  }
}

function explicitPlan(raw: unknown): RunPlan {
  const p = raw as Partial<RunPlan> | undefined;
  const ok =
    p !== undefined &&
    typeof p.release === "string" &&
    typeof p.environment === "string" &&
    Array.isArray(p.steps) &&
    p.steps.every(
      (s: Partial<PlannedStep>) =>
        typeof s?.key === "string" &&
        typeof s.kind === "string" &&
        typeof s.wave === "number" &&
        Array.isArray(s.dependsOn) &&
        typeof s.input === "object",
    );
  if (!ok)
    throw new InputError(
      "run.bad-plan",
      'plan must be {"release", "environment", "steps": [{"key", "kind", "wave", "dependsOn": [], "input": {}, "service"?}]}',
    );
  return p as RunPlan;
}

export type RunPlanner = (release: string, environment: string) => Promise<RunPlan>;

/** Runs: start, list, status, signals, and the live event stream (server-sent events). */
export function registerRunRoutes(
  app: FastifyInstance,
  store: Store,
  now: () => Date,
  planner?: RunPlanner,
): void {
  const gate = new ChangeGate(store, new ChangeService(store));
  app.post("/v1/runs", async (request, reply) => {
    const principal = requireRole(request, "operator");
    const body = parseJson(request.body);
    let plan: RunPlan;
    if (body.plan !== undefined) plan = explicitPlan(body.plan);
    else if (typeof body.release === "string" && typeof body.environment === "string") {
      if (planner === undefined)
        throw new InputError("run.no-planner", "this server cannot plan releases; send an explicit plan");
      plan = await planner(body.release, body.environment);
    } else
      throw new InputError("run.bad-request", 'send {"release": R, "environment": E} or {"plan": {...}}');
    // Protected environments admit a run only inside an authorized change's window.
    const actor = { identity: principal.identity, name: principal.name };
    const admitted = await gate.admit(plan.release, plan.environment, actor, now().getTime());
    // The change is in Implement before the run exists: its steps carry it, and workers check it
    // (Implement, inside the window) before each step starts.
    const change = admitted === undefined ? undefined : await gate.enter(admitted, now().getTime());
    const run = await store.runs.createRun(plan, {
      startedBy: principal.name,
      now: now().getTime(),
      ...(change !== undefined ? { change: change.change.number } : {}),
    });
    if (change !== undefined) await gate.link(change, run.id, actor, now().getTime());
    const got = await store.runs.getRun(run.id);
    return reply.code(201).send(presentRun(run, got?.steps));
  });

  app.get<{ Querystring: { phase?: string; limit?: string } }>("/v1/runs", async (request) => {
    requireRole(request, "viewer");
    const phase = request.query.phase;
    if (phase !== undefined && !(RUN_PHASES as readonly string[]).includes(phase)) {
      throw new InputError("run.bad-phase", `phase must be one of ${RUN_PHASES.join(", ")}`);
    }
    const runs = await store.runs.listRuns({
      ...(phase ? { phase: phase as RunPhase } : {}),
      limit: Math.min(1000, Number(request.query.limit ?? 100) || 100),
    });
    return { items: runs.map((r) => presentRun(r)) };
  });

  app.get<{ Params: { id: string } }>("/v1/runs/:id", async (request) => {
    requireRole(request, "viewer");
    const got = await store.runs.getRun(request.params.id);
    if (got === undefined)
      throw new NotFoundError("run.not-found", `run ${request.params.id} does not exist`);
    return presentRun(got.run, got.steps);
  });

  app.post<{ Params: { id: string } }>("/v1/runs/:id/signals", async (request) => {
    const body = parseJson(request.body);
    const kind = String(body.kind ?? "");
    if (!isSignalKind(kind))
      throw new InputError(
        "signal.unknown-kind",
        `kind must be one of ${SIGNAL_KINDS.join(", ")}; got "${kind}"`,
      );
    const principal = requireRole(request, SIGNAL_ROLE[kind]);
    const run = await store.runs.signal(
      request.params.id,
      {
        kind,
        by: principal.name,
        ...(typeof body.step === "string" ? { stepKey: body.step } : {}),
        ...(typeof body.reason === "string" ? { reason: body.reason } : {}),
        ...(typeof body.value === "string" ? { value: body.value } : {}),
      },
      now().getTime(),
    );
    const got = await store.runs.getRun(run.id);
    return presentRun(run, got?.steps);
  });

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    "/v1/runs/:id/events",
    async (request, reply) => {
      requireRole(request, "viewer");
      const id = request.params.id;
      if ((await store.runs.getRun(id)) === undefined)
        throw new NotFoundError("run.not-found", `run ${id} does not exist`);
      const lastEventId = Number(request.headers["last-event-id"] ?? request.query.after ?? 0) || 0;
      if (!String(request.headers.accept ?? "").includes("text/event-stream")) {
        return { items: await store.runs.events(id, lastEventId) };
      }
      return streamEvents(request, reply, store, id, lastEventId);
    },
  );
}

/** Server-sent events: past events after Last-Event-ID, then live ones until the run ends. */
async function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  store: Store,
  runId: string,
  after: number,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let last = after;
  let closed = false;
  request.raw.on("close", () => {
    closed = true;
  });
  let wake: (() => void) | undefined;
  const unsubscribe = store.wakeUps.subscribe(() => wake?.());
  let sinceBeat = Date.now();
  try {
    while (!closed) {
      for (const e of await store.runs.events(runId, last)) {
        res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
        last = e.id;
      }
      const got = await store.runs.getRun(runId);
      if (got === undefined || isTerminalPhase(got.run.phase)) {
        const tail = await store.runs.events(runId, last);
        for (const e of tail) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
        res.write(`event: end\ndata: ${JSON.stringify({ phase: got?.run.phase ?? null })}\n\n`);
        break;
      }
      if (Date.now() - sinceBeat > 15_000) {
        res.write(": keep-alive\n\n");
        sinceBeat = Date.now();
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 500);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    unsubscribe();
    res.end();
  }
}
