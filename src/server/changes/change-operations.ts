type Json = Record<string, unknown>;

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const change = { description: "the change", content: { "application/json": { schema: { type: "object" } } } };
const common = {
  "401": problem("no or unknown API token"),
  "403": problem("the token's role does not allow this"),
  "404": problem("no such change"),
};
const numberParam = {
  name: "number",
  in: "path",
  required: true,
  description: "the change number, CHG-<n>",
  schema: { type: "string", pattern: "^CHG-[1-9][0-9]*$" },
};
const jsonBody = (properties: Json, required: string[] = []) => ({
  required: required.length > 0,
  content: { "application/json": { schema: { type: "object", properties, required } } },
});
const window = {
  start: { type: "string", format: "date-time" },
  end: { type: "string", format: "date-time" },
};

/** Change request operations (issue 7); merged into the OpenAPI document's paths. */
export const CHANGE_OPERATIONS: Record<string, Record<string, Json>> = {
  "/v1/changes": {
    post: {
      operationId: "createChange",
      summary:
        "Create a change request from a release and environment: plans it, derives scope, dependents, rollback plan and risk",
      requestBody: jsonBody(
        {
          release: { type: "string" },
          environment: { type: "string" },
          type: { enum: ["normal", "standard", "emergency"] },
          ...window,
        },
        ["release", "environment"],
      ),
      responses: {
        "201": change,
        "400": problem("invalid request"),
        "422": problem("no valid plan"),
        ...common,
      },
    },
    get: {
      operationId: "listChanges",
      summary: "Change requests, newest first; awaitingMe=true is the caller's approvals inbox",
      parameters: ["state", "release", "environment", "active", "awaitingMe", "limit"].map((name) => ({
        name,
        in: "query",
        schema: { type: "string" },
      })),
      responses: { "200": { description: "the changes" }, ...common },
    },
  },
  "/v1/changes/{number}": {
    get: {
      operationId: "getChange",
      summary:
        "A change with its plan, scope, rollback plan, risk, approvals and where they stand, runs and history",
      parameters: [numberParam],
      responses: { "200": change, ...common },
    },
    patch: {
      operationId: "editChange",
      summary:
        "Move the window or re-plan; an edit after approval invalidates the approvals and says what changed",
      parameters: [numberParam],
      requestBody: jsonBody({ ...window, replan: { type: "boolean" } }),
      responses: { "200": change, "409": problem("refused in this state or by the calendar"), ...common },
    },
  },
  "/v1/changes/{number}/transitions/{action}": {
    post: {
      operationId: "transitionChange",
      summary:
        "submit, assess, authorize, schedule, implement, review, close, cancel or revert-to-new; refused with the reason when illegal",
      parameters: [
        numberParam,
        {
          name: "action",
          in: "path",
          required: true,
          schema: {
            enum: [
              "submit",
              "assess",
              "authorize",
              "schedule",
              "implement",
              "review",
              "close",
              "cancel",
              "revert-to-new",
            ],
          },
        },
      ],
      requestBody: jsonBody({
        reason: { type: "string", description: "required for cancel and revert-to-new" },
        outcome: { enum: ["successful", "successful-with-issues", "unsuccessful"] },
      }),
      responses: { "200": change, "409": problem("illegal transition, with why"), ...common },
    },
  },
  "/v1/changes/{number}/approve": {
    post: {
      operationId: "approveChange",
      summary:
        "Approve as the token's identity for its groups (quorum, levels, separation of duties, expiry)",
      parameters: [numberParam],
      requestBody: jsonBody({ comment: { type: "string" } }),
      responses: { "200": change, "409": problem("not allowed to approve, with why"), ...common },
    },
  },
  "/v1/changes/{number}/reject": {
    post: {
      operationId: "rejectChange",
      summary: "Reject with a comment: the approval round ends and the change returns to New",
      parameters: [numberParam],
      requestBody: jsonBody({ comment: { type: "string" } }, ["comment"]),
      responses: { "200": change, "409": problem("not allowed to reject, or no comment"), ...common },
    },
  },
  "/v1/changes/{number}/retrospective": {
    post: {
      operationId: "completeRetrospective",
      summary: "Complete an emergency change's retrospective with findings (required before it can close)",
      parameters: [numberParam],
      requestBody: jsonBody({ findings: { type: "array", items: { type: "string" } } }, ["findings"]),
      responses: { "200": change, "409": problem("no open retrospective, or no findings"), ...common },
    },
  },
  "/v1/changes/{number}/incidents": {
    post: {
      operationId: "recordChangeIncident",
      summary:
        "Record a P1–P3 incident the change caused in one of its services; it lowers that service's change success score",
      parameters: [numberParam],
      requestBody: jsonBody({ service: { type: "string" }, priority: { enum: [1, 2, 3] } }, [
        "service",
        "priority",
      ]),
      responses: {
        "201": { description: "recorded" },
        "400": problem("invalid incident"),
        ...common,
      },
    },
  },
  "/v1/changes/{number}/risk": {
    get: {
      operationId: "changeRisk",
      summary: "The risk table: every factor with its points and the fact behind it, the score and band",
      parameters: [numberParam],
      responses: { "200": { description: "the risk table" }, ...common },
    },
  },
};
