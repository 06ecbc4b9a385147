type Json = Record<string, unknown>;

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const json = (schema: Json, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});
const common = {
  "401": problemResponse("no or unknown API token"),
  "403": problemResponse("the token's role does not allow this"),
};
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const runStatus = { $ref: "#/components/schemas/RunStatus" };
const body = (properties: Json, required: string[] = []) => ({
  required: required.length > 0,
  content: { "application/json": { schema: { type: "object", required, properties } } },
});
const artifact = {
  type: "object",
  properties: {
    name: { type: "string" },
    version: { type: "string" },
    digest: { type: "string", pattern: "^sha256:[0-9a-f]{64}$" },
    path: { type: ["string", "null"] },
    registeredAt: { type: "string", format: "date-time" },
    registeredBy: { type: "string" },
  },
};

/** Promote, rollback and the artifact registry (progressive delivery). */
export const ROLLOUT_OPERATIONS: Record<string, Record<string, Json>> = {
  "/v1/runs/{id}/promote": {
    post: {
      operationId: "promoteRollout",
      summary:
        "Promote a service's rollout step (ends a canary pause or an inconclusive analysis); without service, the one rollout waiting",
      parameters: [idParam],
      requestBody: body({ service: { type: "string" }, reason: { type: "string" } }),
      responses: {
        "200": json({
          type: "object",
          properties: { promoted: { type: "object" }, run: runStatus },
        }),
        "400": problemResponse("several rollouts wait: name the service"),
        "404": problemResponse("no such run, or no rollout of that service in progress"),
        "409": problemResponse("the run is finished"),
        ...common,
      },
    },
  },
  "/v1/runs/{id}/rollouts": {
    get: {
      operationId: "runRollouts",
      summary:
        "Each rollout step's checkpoint: mode, strategy stage, phase, message, plan, verdicts, analysis reports with evidence, failures, abortStartedAt, finishedAt",
      parameters: [idParam],
      responses: {
        "200": json({ type: "object", properties: { items: { type: "array", items: { type: "object" } } } }),
        "404": problemResponse("no such run"),
        ...common,
      },
    },
  },
  "/v1/runs/{id}/rollback": {
    post: {
      operationId: "rollbackRun",
      summary:
        "Return every service of the run to its previous version through its strategy: a running run aborts and reverts (202); a finished one gets a rollback run (201)",
      parameters: [idParam],
      requestBody: body({ reason: { type: "string" } }),
      responses: {
        "201": json(
          { type: "object", properties: { rollbackOf: { type: "string" }, run: runStatus } },
          "rollback run created",
        ),
        "202": json(
          { type: "object", properties: { rollbackOf: { type: "string" }, run: runStatus } },
          "rolling back",
        ),
        "404": problemResponse("no such run"),
        "409": problemResponse("already rolled back, nothing to roll back, or a service is busy"),
        ...common,
      },
    },
  },
  "/v1/artifacts": {
    post: {
      operationId: "registerArtifact",
      summary: "Register an artifact version's sha256 digest; it can never change (same digest again: no-op)",
      requestBody: body(
        {
          name: { type: "string" },
          version: { type: "string" },
          digest: { type: "string" },
          path: { type: "string" },
        },
        ["name", "version", "digest"],
      ),
      responses: {
        "201": json(artifact, "registered"),
        "200": json(artifact, "already registered with this digest"),
        "400": problemResponse("invalid name, version, digest or path"),
        "409": problemResponse("the version is registered with another digest"),
        ...common,
      },
    },
    get: {
      operationId: "listArtifacts",
      summary: "Registered artifact versions",
      parameters: [{ name: "name", in: "query", schema: { type: "string" } }],
      responses: {
        "200": json({ type: "object", properties: { items: { type: "array", items: artifact } } }),
        ...common,
      },
    },
  },
};
