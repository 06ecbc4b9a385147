import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ChangeWindow, ImplementationOutcome } from "../../core/change/change-request.js";
import type { ChangeState, ChangeType } from "../../core/change/change-state.js";
import { CHANGE_STATES } from "../../core/change/change-state.js";
import { renderRiskTable } from "../../core/change/risk/render-risk-table.js";
import { InputError } from "../../core/errors/domain-error.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";
import { CHANGE_ACTIONS, type ChangeAction } from "../changes/change-action.js";
import type { Actor } from "../changes/change-actor.js";
import { ChangeService } from "../changes/change-service.js";
import { approvalSetupFor, loadChangeWorld } from "../changes/change-world.js";
import { presentChange } from "../changes/present-change.js";

const TYPES: readonly ChangeType[] = ["standard", "normal", "emergency"];
const OUTCOMES: readonly ImplementationOutcome[] = ["successful", "successful-with-issues", "unsuccessful"];

function body(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body;
  if (typeof raw !== "string" || raw.trim() === "") return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (error) {
    throw new InputError(
      "request.bad-json",
      `the request body must be a JSON object: ${(error as Error).message}`,
    );
  }
}

function instant(value: unknown, field: string): number {
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (typeof value !== "string" || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || Number.isNaN(ms))
    throw new InputError(
      `change.bad-${field}`,
      `${field} must be an RFC 3339 instant with its offset, such as "2027-01-06T22:00:00Z"; got ${JSON.stringify(value)}`,
    );
  return ms;
}

/** `{start, end}` from a body, both or neither. */
function windowOf(b: Record<string, unknown>): ChangeWindow | undefined {
  if (b.start === undefined && b.end === undefined) return undefined;
  const start = instant(b.start, "start");
  const end = instant(b.end, "end");
  if (end <= start) throw new InputError("change.bad-window", "the window's end must be after its start");
  return { start, end };
}

function actorOf(request: FastifyRequest, role: "viewer" | "operator" | "approver"): Actor {
  const p = requireRole(request, role);
  return { identity: p.identity, name: p.name };
}

/** `/v1/changes`: change requests, their transitions, approvals, risk table and retrospective. */
export function registerChangeRoutes(
  app: FastifyInstance,
  store: Store,
  now: () => Date,
  service = new ChangeService(store),
): void {
  const show = async (number: string) => {
    const stored = await service.get(number);
    const setup = await service.setupOf(stored);
    return presentChange(stored, setup, now().getTime(), await store.changes.runs(number));
  };

  app.post("/v1/changes", async (request, reply) => {
    const actor = actorOf(request, "operator");
    const b = body(request);
    if (typeof b.release !== "string" || typeof b.environment !== "string")
      throw new InputError(
        "change.bad-request",
        'send {"release": R, "environment": E, "type"?: "normal"|"standard"|"emergency", "start"?, "end"?}',
      );
    const type = (b.type ?? "normal") as ChangeType;
    if (!TYPES.includes(type))
      throw new InputError(
        "change.bad-type",
        `type must be one of ${TYPES.join(", ")}; got ${JSON.stringify(b.type)}`,
      );
    const window = windowOf(b);
    const created = await service.create(
      { release: b.release, environment: b.environment, type, ...(window ? { window } : {}) },
      actor,
      now().getTime(),
    );
    return reply.code(201).send(await show(created.change.number));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>("/v1/changes", async (request) => {
    const actor = actorOf(request, "viewer");
    const q = request.query;
    if (q.state !== undefined && !(CHANGE_STATES as readonly string[]).includes(q.state))
      throw new InputError("change.bad-state", `state must be one of ${CHANGE_STATES.join(", ")}`);
    if (q.awaitingMe !== undefined && !["true", "false"].includes(q.awaitingMe))
      throw new InputError("change.bad-filter", "awaitingMe must be true or false");
    const list = await store.changes.list<Parameters<typeof presentChange>[0]["details"]>({
      ...(q.state ? { state: q.state as ChangeState } : {}),
      ...(q.release ? { release: q.release } : {}),
      ...(q.environment ? { environment: q.environment } : {}),
      ...(q.active === "true" ? { active: true } : {}),
      limit: Math.min(1000, Number(q.limit ?? 200) || 200),
    });
    const world = await loadChangeWorld(store);
    const at = now().getTime();
    let items = list.map((s) =>
      presentChange(s, approvalSetupFor(world, s.change, s.details.auditApproverGroup), at),
    );
    if (q.awaitingMe === "true")
      items = items.filter((c) => c.state === "Authorize" && c.approval.mayApprove.includes(actor.identity));
    return { items };
  });

  app.get<{ Params: { number: string } }>("/v1/changes/:number", async (request) => {
    actorOf(request, "viewer");
    return show(request.params.number);
  });

  app.patch<{ Params: { number: string } }>("/v1/changes/:number", async (request) => {
    const actor = actorOf(request, "operator");
    const b = body(request);
    const window = windowOf(b);
    if (b.replan !== undefined && typeof b.replan !== "boolean")
      throw new InputError("change.bad-replan", "replan must be true or false");
    await service.edit(
      request.params.number,
      { ...(window ? { window } : {}), ...(b.replan === true ? { replan: true } : {}) },
      actor,
      now().getTime(),
    );
    return show(request.params.number);
  });

  app.post<{ Params: { number: string; action: string } }>(
    "/v1/changes/:number/transitions/:action",
    async (request) => {
      const actor = actorOf(request, "operator");
      const action = request.params.action;
      if (!(CHANGE_ACTIONS as readonly string[]).includes(action))
        throw new InputError(
          "change.unknown-action",
          `action must be one of ${CHANGE_ACTIONS.join(", ")}; got "${action}"`,
        );
      const b = body(request);
      if (b.outcome !== undefined && !OUTCOMES.includes(b.outcome as ImplementationOutcome))
        throw new InputError("change.bad-outcome", `outcome must be one of ${OUTCOMES.join(", ")}`);
      await service.transition(
        request.params.number,
        action as ChangeAction,
        {
          ...(typeof b.reason === "string" ? { reason: b.reason } : {}),
          ...(b.outcome !== undefined ? { outcome: b.outcome as ImplementationOutcome } : {}),
        },
        actor,
        now().getTime(),
      );
      return show(request.params.number);
    },
  );

  app.post<{ Params: { number: string } }>("/v1/changes/:number/approve", async (request) => {
    const actor = actorOf(request, "approver");
    const b = body(request);
    const comment = typeof b.comment === "string" && b.comment.trim() !== "" ? b.comment : undefined;
    await service.approve(request.params.number, actor, comment, now().getTime());
    return show(request.params.number);
  });

  app.post<{ Params: { number: string } }>("/v1/changes/:number/reject", async (request) => {
    const actor = actorOf(request, "approver");
    const b = body(request);
    const comment = typeof b.comment === "string" ? b.comment : "";
    await service.reject(request.params.number, actor, comment, now().getTime());
    return show(request.params.number);
  });

  app.post<{ Params: { number: string } }>("/v1/changes/:number/retrospective", async (request) => {
    const actor = actorOf(request, "operator");
    const b = body(request);
    const findings = Array.isArray(b.findings)
      ? b.findings.filter((f): f is string => typeof f === "string")
      : typeof b.findings === "string"
        ? [b.findings]
        : [];
    await service.completeRetrospective(request.params.number, findings, actor, now().getTime());
    return show(request.params.number);
  });

  app.post<{ Params: { number: string } }>("/v1/changes/:number/incidents", async (request, reply) => {
    const actor = actorOf(request, "operator");
    const b = body(request);
    const priority = b.priority;
    if (typeof b.service !== "string" || (priority !== 1 && priority !== 2 && priority !== 3))
      throw new InputError(
        "change.bad-incident",
        'send {"service": S, "priority": 1|2|3}: an incident of priority P1–P3 the change caused in one of its services',
      );
    const stored = await service.get(request.params.number);
    await store.changes.recordIncident(stored.change.number, b.service, priority, {
      at: now().toISOString(),
      actor: actor.identity,
      action: "change.incident",
      subject: stored.change.number,
      data: { number: stored.change.number, service: b.service, priority },
    });
    return reply.code(201).send({ number: stored.change.number, service: b.service, priority });
  });

  app.get<{ Params: { number: string } }>("/v1/changes/:number/risk", async (request) => {
    actorOf(request, "viewer");
    const stored = await service.get(request.params.number);
    const risk = stored.details.risk;
    return {
      number: stored.change.number,
      score: risk.score,
      band: risk.band,
      bands: risk.bands,
      assessedAt: new Date(risk.assessedAt).toISOString(),
      factors: risk.factors,
      table: renderRiskTable(stored.change.number, risk, risk.bands),
    };
  });
}
