import { DOCUMENT_KINDS } from "../core/documents/document-kinds.js";
import { kindJsonSchema } from "../core/documents/json-schema.js";
import { CHANGE_OPERATIONS } from "./changes/change-operations.js";
import { ROLLOUT_OPERATIONS } from "./rollout-openapi.js";
import { COMMUNICATION_OPERATIONS } from "./routes/communications.js";

type Json = Record<string, unknown>;

const problem = { $ref: "#/components/schemas/Problem" };
const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problem } },
});
const json = (schema: Json, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});
const kindParam = {
  name: "kind",
  in: "path",
  required: true,
  description: "document kind, singular or plural, any case (service, Services, …)",
  schema: { type: "string" },
};
const nameParam = { name: "name", in: "path", required: true, schema: { type: "string" } };
const common = {
  "401": problemResponse("no or unknown API token"),
  "403": problemResponse("the token's role does not allow this"),
};

/** Each /v1 operation: the single list the OpenAPI document and the route test are built from. */
export const OPERATIONS: Record<string, Record<string, Json>> = {
  "/v1/whoami": {
    get: {
      operationId: "whoami",
      summary: "The caller's token name and role",
      responses: { "200": json({ type: "object" }), ...common },
    },
  },
  "/v1/documents": {
    post: {
      operationId: "applyDocuments",
      summary: "Validate and apply documents (YAML or JSON, one or many): all of them or none",
      parameters: [
        {
          name: "dryRun",
          in: "query",
          schema: { type: "boolean" },
          description: "validate and report, write nothing",
        },
      ],
      requestBody: {
        required: true,
        content: {
          "application/yaml": { schema: { type: "string" } },
          "application/json": { schema: { $ref: "#/components/schemas/Document" } },
          "application/vnd.upshift.files+json": {
            schema: {
              type: "object",
              description: "several named files, so that problems point into them (what the CLI sends)",
              properties: {
                files: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: { name: { type: "string" }, text: { type: "string" } },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        "200": json({ $ref: "#/components/schemas/ApplyResult" }),
        "400": problemResponse(
          "invalid documents; `errors` lists every problem with file, line, column and path",
        ),
        ...common,
      },
    },
  },
  "/v1/documents/{kind}": {
    get: {
      operationId: "listDocuments",
      summary: "Every stored document of a kind",
      parameters: [kindParam],
      responses: {
        "200": json({
          type: "object",
          properties: { items: { type: "array", items: { $ref: "#/components/schemas/StoredDocument" } } },
        }),
        ...common,
      },
    },
  },
  "/v1/documents/{kind}/{name}": {
    get: {
      operationId: "getDocument",
      summary: "One stored document with its generation and hash",
      parameters: [kindParam, nameParam],
      responses: {
        "200": json({ $ref: "#/components/schemas/StoredDocument" }),
        "404": problemResponse("no such document"),
        ...common,
      },
    },
    delete: {
      operationId: "deleteDocument",
      summary: "Delete a document; refused while another document refers to it",
      parameters: [kindParam, nameParam],
      responses: {
        "204": { description: "deleted" },
        "404": problemResponse("no such document"),
        "409": problemResponse("still referenced"),
        ...common,
      },
    },
  },
  "/v1/documents/{kind}/{name}/history": {
    get: {
      operationId: "documentHistory",
      summary: "Every applied generation and deletion of a document",
      parameters: [kindParam, nameParam],
      responses: { "200": json({ type: "object" }), "404": problemResponse("no such document"), ...common },
    },
  },
};

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const runStatus = { $ref: "#/components/schemas/RunStatus" };

/** Planning operations. */
export const PLAN_OPERATIONS: Record<string, Record<string, Json>> = {
  "/v1/plans": {
    post: {
      operationId: "planRelease",
      summary:
        "Plan a release from the stored documents (waves, conflicts, cycles, estimates); the plan is kept with the document generations it used",
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["release"],
              properties: { release: { type: "string" }, environment: { type: "string" } },
            },
          },
        },
      },
      responses: {
        "200": json({
          type: "object",
          description: "{id, createdAt, generations, plan}; plan.feasible says whether a valid order exists",
        }),
        "404": problemResponse("no such release or environment"),
        ...common,
      },
    },
  },
  "/v1/calendar.ics": {
    get: {
      operationId: "calendarFeed",
      summary:
        "The change calendar (freezes, audit and maintenance windows) as iCalendar, filterable by environment and service",
      parameters: [
        { name: "environment", in: "query", schema: { type: "string" } },
        { name: "service", in: "query", schema: { type: "string" } },
        {
          name: "days",
          in: "query",
          schema: { type: "integer" },
          description: "how far ahead (default 365)",
        },
      ],
      responses: {
        "200": { description: "RFC 5545 text", content: { "text/calendar": { schema: { type: "string" } } } },
        ...common,
      },
    },
  },
  "/v1/plans/{id}": {
    get: {
      operationId: "getPlan",
      summary: "A stored plan with its document generations",
      parameters: [idParam],
      responses: { "200": json({ type: "object" }), "404": problemResponse("no such plan"), ...common },
    },
  },
};

/** Run operations (the durable engine). */
export const RUN_OPERATIONS: Record<string, Record<string, Json>> = {
  "/v1/runs": {
    post: {
      operationId: "startRun",
      summary: "Start a run: {release, environment} (planned by the server) or an explicit {plan}",
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
      responses: {
        "201": json(runStatus, "created"),
        "409": problemResponse(
          "another active run holds a service in this environment (run.service-busy); the environment is protected and no change admits the run now (change.required), or this request created the change it needs (change.created: the detail names it and what must follow)",
        ),
        ...common,
      },
    },
    get: {
      operationId: "listRuns",
      summary: "Recent runs, newest first",
      parameters: [
        { name: "phase", in: "query", schema: { type: "string" } },
        { name: "limit", in: "query", schema: { type: "integer" } },
      ],
      responses: {
        "200": json({ type: "object", properties: { items: { type: "array", items: runStatus } } }),
        ...common,
      },
    },
  },
  "/v1/runs/{id}": {
    get: {
      operationId: "getRun",
      summary: "A run's phase, message, conditions and steps",
      parameters: [idParam],
      responses: { "200": json(runStatus), "404": problemResponse("no such run"), ...common },
    },
  },
  "/v1/runs/{id}/signals": {
    post: {
      operationId: "signalRun",
      summary:
        "Send a signal: approve, judge, promote, pause, resume, abort, retry-step, skip-step (recorded with who and when)",
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["kind"],
              properties: {
                kind: { type: "string" },
                step: { type: "string" },
                reason: { type: "string" },
                value: { type: "string" },
              },
            },
          },
        },
      },
      responses: {
        "200": json(runStatus),
        "404": problemResponse("no such run or step"),
        "409": problemResponse("not possible in the run's phase"),
        ...common,
      },
    },
  },
  "/v1/runs/{id}/checklist": {
    get: {
      operationId: "showChecklist",
      summary: "A step's manual smoke checklist: items, ticks (who, when, note) and status",
      parameters: [idParam, { name: "step", in: "query", required: true, schema: { type: "string" } }],
      responses: {
        "200": json({ type: "object" }),
        "404": problemResponse("no such run or step"),
        ...common,
      },
    },
    post: {
      operationId: "tickChecklist",
      summary: "Tick one checklist item pass or fail with a note (audited); wakes the waiting step",
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["step", "item", "result"],
              properties: {
                step: { type: "string" },
                item: { type: "string", description: "the item's text or its number" },
                result: { type: "string", enum: ["pass", "fail"] },
                note: { type: "string", description: "required for fail" },
              },
            },
          },
        },
      },
      responses: {
        "200": json({ type: "object" }),
        "404": problemResponse("no such run or step"),
        "409": problemResponse("the run has finished"),
        ...common,
      },
    },
  },
  "/v1/runs/{id}/events": {
    get: {
      operationId: "runEvents",
      summary:
        "Every event of the run; with Accept: text/event-stream a live stream (resume with Last-Event-ID)",
      parameters: [idParam, { name: "after", in: "query", schema: { type: "integer" } }],
      responses: {
        "200": {
          description: "events",
          content: {
            "text/event-stream": { schema: { type: "string" } },
            "application/json": { schema: { type: "object" } },
          },
        },
        ...common,
      },
    },
  },
};

/** OpenAPI 3.1 document of the API, with document schemas generated from the same zod source. */
export function openApiDocument(
  version: string,
  extraOperations: Record<string, Record<string, Json>> = {},
): Json {
  const schemas: Json = {
    Problem: {
      type: "object",
      description: "RFC 9457 problem details",
      required: ["type", "title", "status", "detail", "code"],
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        code: { type: "string", description: "stable machine-readable code" },
        instance: { type: "string" },
        errors: {
          type: "array",
          items: {
            type: "object",
            properties: {
              code: { type: "string" },
              file: { type: "string" },
              line: { type: "integer" },
              column: { type: "integer" },
              path: { type: "string" },
              message: { type: "string" },
            },
          },
        },
      },
    },
    ApplyResult: {
      type: "object",
      properties: {
        dryRun: { type: "boolean" },
        applied: {
          type: "array",
          items: {
            type: "object",
            properties: {
              kind: { type: "string" },
              name: { type: "string" },
              generation: { type: "integer" },
              hash: { type: "string" },
              action: { enum: ["created", "configured", "unchanged"] },
            },
          },
        },
      },
    },
    StoredDocument: {
      type: "object",
      properties: {
        document: { $ref: "#/components/schemas/Document" },
        generation: { type: "integer" },
        hash: { type: "string" },
        createdAt: { type: "string", format: "date-time" },
        updatedAt: { type: "string", format: "date-time" },
        updatedBy: { type: ["string", "null"] },
      },
    },
    RunStatus: {
      type: "object",
      properties: {
        id: { type: "string" },
        release: { type: "string" },
        environment: { type: "string" },
        phase: {
          enum: [
            "Pending",
            "Running",
            "Paused",
            "Succeeded",
            "Failed",
            "RollingBack",
            "RolledBack",
            "Aborted",
          ],
        },
        message: { type: "string" },
        conditions: { type: "array" },
        steps: {
          type: "array",
          items: {
            type: "object",
            properties: {
              id: { type: "string" },
              kind: { type: "string" },
              service: { type: ["string", "null"] },
              state: {
                enum: [
                  "pending",
                  "ready",
                  "running",
                  "waiting",
                  "succeeded",
                  "failed",
                  "skipped",
                  "canceled",
                ],
              },
              attempt: { type: "integer" },
              startedAt: { type: ["string", "null"] },
              finishedAt: { type: ["string", "null"] },
              message: { type: ["string", "null"] },
            },
          },
        },
      },
    },
    Document: { oneOf: DOCUMENT_KINDS.map((k) => ({ $ref: `#/components/schemas/${k}` })) },
  };
  for (const kind of DOCUMENT_KINDS) {
    const { $schema: _ignored, ...schema } = kindJsonSchema(kind);
    schemas[kind] = schema;
  }
  const paths: Json = {};
  for (const [path, ops] of Object.entries({
    ...OPERATIONS,
    ...PLAN_OPERATIONS,
    ...RUN_OPERATIONS,
    ...ROLLOUT_OPERATIONS,
    ...CHANGE_OPERATIONS,
    ...COMMUNICATION_OPERATIONS,
    ...extraOperations,
  })) {
    const withSecurity: Json = {};
    for (const [method, op] of Object.entries(ops))
      withSecurity[method] = { security: [{ bearer: [] }], ...op };
    paths[path] = withSecurity;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Upshift API",
      version,
      description: "Upgrade control plane. Every /v1 route needs `Authorization: Bearer <token>`.",
    },
    servers: [{ url: "/" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas },
    security: [{ bearer: [] }],
    paths,
  };
}
