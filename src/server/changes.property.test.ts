import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { CHANGE_PATHS } from "../core/change/change-path.js";
import type { ChangeState, ChangeType } from "../core/change/change-state.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";

const fleet = readFileSync(new URL("../../test/fixtures/change-fleet.yaml", import.meta.url), "utf8");
const HOUR = 3_600_000;
const T0 = Date.parse("2027-06-01T10:00:00Z");
const WINDOWS = [
  { start: "2027-06-10T22:00:00.000Z", end: "2027-06-11T02:00:00.000Z" },
  { start: "2027-06-12T22:00:00.000Z", end: "2027-06-13T02:00:00.000Z" },
];

/** Every state change the model allows for a type: the forward path, reverts, rejection, invalidation, cancel. */
function legalMoves(type: ChangeType): Set<string> {
  const path = CHANGE_PATHS[type];
  const moves = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++) moves.add(`${path[i]}>${path[i + 1]}`);
  for (const s of ["Assess", "Authorize", "Scheduled"] as ChangeState[])
    if (path.includes(s)) moves.add(`${s}>New`);
  if (type !== "standard") moves.add("Scheduled>Authorize"); // an edit after approval
  for (const s of path) if (s !== "Closed") moves.add(`${s}>Canceled`);
  return moves;
}

type Step =
  | { kind: "transition"; action: string; who: string }
  | { kind: "approve" | "reject"; who: string }
  | { kind: "edit"; window: number; who: string }
  | { kind: "retrospective"; who: string; empty: boolean }
  | { kind: "tick"; hours: number };

const people = ["rita", "alice", "bob", "carol", "oscar", "otto"];
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("transition" as const),
      action: fc.constantFrom(
        "submit",
        "assess",
        "authorize",
        "schedule",
        "implement",
        "review",
        "close",
        "cancel",
        "revert-to-new",
        "bogus",
      ),
      who: fc.constantFrom(...people),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom("approve" as const, "reject" as const),
      who: fc.constantFrom(...people),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      window: fc.constantFrom(0, 1),
      who: fc.constantFrom(...people),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("retrospective" as const),
      who: fc.constantFrom(...people),
      empty: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("tick" as const), hours: fc.integer({ min: 1, max: 240 }) }),
  },
);

describe.each(STORE_TARGETS)("change state machine through the API on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let clock = T0;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    app = await buildApp({ store, now: () => new Date(clock) });
    const groups: Record<string, string[]> = {
      rita: ["app-owners"],
      alice: ["app-owners"],
      bob: ["cab"],
      carol: ["cab"],
      oscar: ["oncall-lead"],
      otto: [],
    };
    for (const who of [...people, "ann"])
      tokens[who] = (
        await store.tokens.create(
          who,
          who === "ann" ? "admin" : who === "otto" ? "operator" : "approver",
          new Date(T0),
          { groups: groups[who] ?? [] },
        )
      ).token;
    const applied = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { authorization: `Bearer ${tokens.ann}`, "content-type": "application/yaml" },
      payload: fleet,
    });
    expect(applied.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const call = (who: string, method: "GET" | "POST" | "PATCH", url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it("reaches no illegal transition, and every refusal leaves the change as it was", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ChangeType>("normal", "standard", "emergency"),
        fc.array(step, { minLength: 4, maxLength: 14 }),
        async (type, steps) => {
          clock = T0;
          const created = await call("rita", "POST", "/v1/changes", {
            release: "r1",
            environment: "prod",
            type,
            ...WINDOWS[0],
          });
          expect(created.statusCode).toBe(201);
          const number = created.json().number as string;
          const legal = legalMoves(type);
          let state: ChangeState = "New";
          for (const s of steps) {
            let res: Awaited<ReturnType<typeof call>> | undefined;
            switch (s.kind) {
              case "tick":
                clock += s.hours * HOUR;
                continue;
              case "transition":
                res = await call(s.who, "POST", `/v1/changes/${number}/transitions/${s.action}`, {
                  reason: "property test",
                  outcome: "successful",
                });
                break;
              case "approve":
                res = await call(s.who, "POST", `/v1/changes/${number}/approve`, {});
                break;
              case "reject":
                res = await call(s.who, "POST", `/v1/changes/${number}/reject`, { comment: "not like this" });
                break;
              case "edit":
                res = await call(s.who, "PATCH", `/v1/changes/${number}`, WINDOWS[s.window]);
                break;
              case "retrospective":
                res = await call(s.who, "POST", `/v1/changes/${number}/retrospective`, {
                  findings: s.empty ? [] : ["what we learned"],
                });
                break;
            }
            const after = (await call("otto", "GET", `/v1/changes/${number}`)).json() as {
              state: ChangeState;
            };
            if (res.statusCode >= 400) {
              expect([400, 403, 409], res.body).toContain(res.statusCode);
              expect(res.json().detail.length).toBeGreaterThan(10);
              expect(after.state).toBe(state);
            } else if (after.state !== state) {
              expect(
                legal.has(`${state}>${after.state}`),
                `${type}: ${state} > ${after.state} by ${JSON.stringify(s)}`,
              ).toBe(true);
            }
            state = after.state;
            seen.add(state);
          }
          // Every state change is in the audit log, in order, with from and to.
          const moves: string[] = [];
          await store.audit.scan((batch) => {
            for (const r of batch)
              if (r.subject === number && r.action === "change.transition") {
                const d = JSON.parse(r.dataJson) as { from: string; to: string; type: string };
                expect(d.type).toBe(type);
                moves.push(`${d.from}>${d.to}`);
              }
          });
          const history = (
            (await call("otto", "GET", `/v1/changes/${number}`)).json() as {
              history: { from: string; to: string }[];
            }
          ).history;
          expect(moves).toEqual(history.map((h) => `${h.from}>${h.to}`));
          for (const m of moves) expect(legal.has(m)).toBe(true);
        },
      ),
      { numRuns: target.name === "sqlite" ? 40 : 15, seed: 7 },
    );
    // The walk must get past the first steps, or it proves little.
    for (const s of ["Assess", "Authorize", "Scheduled", "Canceled"]) expect(seen).toContain(s);
  }, 240_000);
});
