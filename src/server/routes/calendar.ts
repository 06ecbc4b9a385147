import type { FastifyInstance } from "fastify";
import { toICalendar, worldFromDocuments } from "../../core/calendar/index.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";

const DAY = 86_400_000;

/** `GET /v1/calendar.ics`: the change calendar as iCalendar, for calendar apps to subscribe to. */
export function registerCalendarRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.get<{ Querystring: { environment?: string; service?: string | string[]; days?: string } }>(
    "/v1/calendar.ics",
    async (request, reply) => {
      requireRole(request, "viewer");
      const docs = (await store.documents.list()).map((s) => s.doc);
      const at = now().getTime();
      const days = Math.min(730, Math.max(1, Number(request.query.days ?? 365) || 365));
      const services = request.query.service === undefined ? undefined : [request.query.service].flat();
      const ics = toICalendar(worldFromDocuments(docs), {
        now: at,
        range: { start: at - 7 * DAY, end: at + days * DAY },
        ...(request.query.environment ? { environment: request.query.environment } : {}),
        ...(services ? { services } : {}),
      });
      return reply.type("text/calendar; charset=utf-8").send(ics);
    },
  );
}
