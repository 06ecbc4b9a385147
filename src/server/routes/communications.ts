import type { FastifyInstance } from "fastify";
import { InputError } from "../../core/errors/domain-error.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";

type Json = Record<string, unknown>;

const message = {
  type: "object",
  properties: {
    id: { type: "string", description: "stable id: the SMTP Message-ID and the webhook idempotency-key" },
    event: { type: "string" },
    channel: { type: "string" },
    channelType: { enum: ["email", "webhook", "slack"] },
    recipient: { type: ["string", "null"] },
    address: { type: ["string", "null"] },
    timeZone: { type: "string" },
    subject: { type: "string" },
    bodyText: { type: "string" },
    bodyHtml: { type: ["string", "null"] },
    payload: { type: ["string", "null"], description: "the JSON body sent to a webhook or Slack channel" },
    state: { enum: ["pending", "sent"] },
    attempts: { type: "integer" },
    lastError: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
    sentAt: { type: ["string", "null"], format: "date-time" },
  },
};

/** The communications operation, merged into the OpenAPI document's /v1 list. */
export const COMMUNICATION_OPERATIONS: Record<string, Record<string, Json>> = {
  "/v1/changes/{number}/communications": {
    get: {
      operationId: "listChangeCommunications",
      summary: "Every notification about a change: sent (the archive) and still queued, oldest first",
      parameters: [
        {
          name: "number",
          in: "path",
          required: true,
          schema: { type: "string", pattern: "^CHG-[1-9][0-9]*$" },
        },
      ],
      responses: {
        "200": {
          description: "OK",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { change: { type: "string" }, communications: { type: "array", items: message } },
              },
            },
          },
        },
        "400": {
          description: "not a change number",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
        "401": {
          description: "no or unknown API token",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    },
  },
};

/** `GET /v1/changes/{number}/communications`: what a change told whom, and when. */
export function registerCommunicationRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { number: string } }>("/v1/changes/:number/communications", async (request) => {
    requireRole(request, "viewer");
    const { number } = request.params;
    if (!/^CHG-[1-9]\d*$/.test(number))
      throw new InputError("change.number", `a change number is CHG-<n>, such as CHG-42, not "${number}"`);
    const messages = await store.notifications.forChange(number);
    return {
      change: number,
      communications: messages.map((m) => ({
        id: m.id,
        event: m.event,
        channel: m.channel,
        channelType: m.channelType,
        recipient: m.recipient,
        address: m.address,
        timeZone: m.timeZone,
        subject: m.subject,
        bodyText: m.bodyText,
        bodyHtml: m.bodyHtml,
        payload: m.payload,
        state: m.state,
        attempts: m.attempts,
        lastError: m.lastError,
        createdAt: new Date(m.createdAt).toISOString(),
        sentAt: m.sentAt === null ? null : new Date(m.sentAt).toISOString(),
      })),
    };
  });
}
