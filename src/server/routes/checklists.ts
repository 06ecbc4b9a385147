import type { FastifyInstance } from "fastify";
import { InputError } from "../../core/errors/domain-error.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";

function body(raw: unknown): Record<string, unknown> {
  if (typeof raw === "object" && raw !== null) return raw as Record<string, unknown>;
  if (typeof raw !== "string" || raw.trim() === "") return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch (error) {
    throw new InputError("request.bad-json", `the request body must be JSON: ${(error as Error).message}`);
  }
}

/**
 * A step's manual smoke checklist: `GET /v1/runs/:id/checklist?step=KEY` shows items, ticks and
 * status; `POST /v1/runs/:id/checklist` with {step, item, result: pass|fail, note} ticks one item
 * (an operator's act, audited in the same transaction) and wakes the waiting step.
 */
export function registerChecklistRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.get<{ Params: { id: string }; Querystring: { step?: string } }>(
    "/v1/runs/:id/checklist",
    async (request) => {
      requireRole(request, "viewer");
      const step = request.query.step;
      if (!step) throw new InputError("checklist.step-required", "name the step: ?step=<step key>");
      return store.verification.show(request.params.id, step);
    },
  );
  app.post<{ Params: { id: string } }>("/v1/runs/:id/checklist", async (request) => {
    const principal = requireRole(request, "operator");
    const b = body(request.body);
    if (typeof b.step !== "string" || typeof b.item !== "string")
      throw new InputError(
        "checklist.bad-tick",
        'send {"step": "<step key>", "item": "<item text or number>", "result": "pass"|"fail", "note"?: "..."}',
      );
    if (b.result !== "pass" && b.result !== "fail")
      throw new InputError(
        "checklist.bad-result",
        `result must be "pass" or "fail"; got ${JSON.stringify(b.result)}`,
      );
    return store.verification.tick(
      request.params.id,
      {
        stepKey: b.step,
        item: b.item,
        result: b.result,
        ...(typeof b.note === "string" ? { note: b.note } : {}),
        by: principal.name,
      },
      now().getTime(),
    );
  });
}
