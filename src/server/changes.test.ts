import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";
import { ChangeGate } from "./changes/change-gate.js";
import { ChangeService } from "./changes/change-service.js";

const fleet = readFileSync(new URL("../../test/fixtures/change-fleet.yaml", import.meta.url), "utf8");
const T = (iso: string) => Date.parse(iso);
const WINDOW = { start: "2027-06-10T22:00:00.000Z", end: "2027-06-11T02:00:00.000Z" };

describe.each(STORE_TARGETS)("change requests through the API on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let clock = T("2027-06-01T10:00:00Z");
  const tokens: Record<string, string> = {};

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    clock = T("2027-06-01T10:00:00Z");
    app = await buildApp({ store, now: () => new Date(clock) });
    const at = new Date(clock);
    const make = async (name: string, role: "admin" | "operator" | "approver", groups: string[] = []) => {
      tokens[name] = (await store.tokens.create(name, role, at, { groups })).token;
    };
    await make("ann", "admin");
    await make("rita", "approver", ["app-owners"]);
    await make("alice", "approver", ["app-owners"]);
    await make("bob", "approver", ["cab"]);
    await make("carol", "approver", ["cab"]);
    await make("oscar", "approver", ["oncall-lead"]);
    await make("otto", "operator");
    const applied = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { authorization: `Bearer ${tokens.ann}`, "content-type": "application/yaml" },
      payload: fleet,
    });
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterEach(async () => {
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
  const create = async (type = "normal", window = WINDOW, release = "r1") => {
    const res = await call("rita", "POST", "/v1/changes", { release, environment: "prod", type, ...window });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().number as string;
  };
  const act = (who: string, number: string, action: string, body: unknown = {}) =>
    call(who, "POST", `/v1/changes/${number}/transitions/${action}`, body);
  const auditOf = async (number: string) => {
    const records: { action: string; actor: string; data: Record<string, unknown> }[] = [];
    await store.audit.scan((batch) => {
      for (const r of batch)
        if (r.subject === number)
          records.push({
            action: r.action,
            actor: r.actor,
            data: JSON.parse(r.dataJson) as Record<string, unknown>,
          });
    });
    return records;
  };
  const authorize = async (number: string) => {
    expect((await act("rita", number, "submit")).json().state).toBe("Assess");
    expect((await act("rita", number, "authorize")).json().state).toBe("Authorize");
  };

  it("creates a change with plan, scope, dependents, rollback plan and risk table", async () => {
    const number = await create();
    expect(number).toBe("CHG-1");
    const got = (await call("otto", "GET", `/v1/changes/${number}`)).json();
    expect(got).toMatchObject({
      number,
      type: "normal",
      state: "New",
      release: "r1",
      environment: "prod",
      requestedBy: "rita",
      releaseAuthor: "ann",
      window: WINDOW,
      services: [{ name: "api", tier: 1 }],
      dependents: ["web"],
    });
    expect(got.plan.generations).toMatchObject({ "Release/r1": 1, "Service/api": 1 });
    expect(got.rollbackPlan.waves[0].steps[0]).toMatchObject({
      kind: "rollout-back",
      service: "api",
      from: "1.1.0",
      to: "1.0.0",
    });
    expect(got.rollbackPlan.deferredContracts).toEqual([{ service: "api", migrations: ["V3__drop_old"] }]);
    expect(got.rollbackPlan.dataNotes.join(" ")).toContain("V2__add_index (expand) stays applied");
    const risk = (await call("otto", "GET", `/v1/changes/${number}/risk`)).json();
    expect(risk.factors.map((f: { name: string }) => f.name)).toContain("blast radius");
    expect(risk.table).toContain(`Risk of ${number}`);
    expect(risk.factors.find((f: { name: string }) => f.name === "migrations").fact).toContain(
      "V3__drop_old destructive",
    );
    expect((await auditOf(number)).map((e) => e.action)).toEqual(["change.create"]);
    const bad = await call("rita", "POST", "/v1/changes", {
      release: "r1",
      environment: "prod",
      start: "tomorrow",
      end: "x",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain("RFC 3339");
    const unknown = await call("rita", "POST", "/v1/changes", { release: "nope", environment: "prod" });
    expect(unknown.statusCode).toBe(404);
  });

  it("walks a normal change through levels and quorum, refusing self-approval and out-of-order levels", async () => {
    const number = await create();
    expect((await act("rita", number, "schedule")).statusCode).toBe(409);
    await authorize(number);
    const requested = (await auditOf(number)).find((e) => e.action === "change.approval-requested");
    expect(requested?.data).toMatchObject({ number, groups: ["app-owners"] });
    const self = await call("rita", "POST", `/v1/changes/${number}/approve`, {});
    expect(self.statusCode).toBe(409);
    expect(self.json().detail).toContain("rita requested this change and cannot approve it");
    const early = await call("bob", "POST", `/v1/changes/${number}/approve`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toMatch(/level 0 \(app-owners\) must approve first/);
    const inbox = (await call("alice", "GET", "/v1/changes?awaitingMe=true")).json().items;
    expect(inbox.map((c: { number: string }) => c.number)).toEqual([number]);
    expect((await call("bob", "GET", "/v1/changes?awaitingMe=true")).json().items).toEqual([]);
    const first = await call("alice", "POST", `/v1/changes/${number}/approve`, { comment: "fine" });
    expect(first.json().state).toBe("Authorize");
    const asked = (await auditOf(number)).filter((e) => e.action === "change.approval-requested");
    expect(asked.map((e) => e.data)).toEqual([
      expect.objectContaining({ number, groups: ["app-owners"], level: 0 }),
      expect.objectContaining({ number, groups: ["cab"], level: 1, awaiting: ["bob", "carol"] }),
    ]);
    expect((await call("bob", "GET", "/v1/changes?awaitingMe=true")).json().items).toHaveLength(1);
    const second = await call("bob", "POST", `/v1/changes/${number}/approve`, {});
    expect(second.json()).toMatchObject({ state: "Scheduled", approval: { authorized: true } });
    const late = await call("carol", "POST", `/v1/changes/${number}/approve`, {});
    expect(late.statusCode).toBe(409);
    const actions = (await auditOf(number)).map((e) => e.action);
    expect(actions.filter((a) => a === "change.approve")).toHaveLength(2);
    const transitions = (await auditOf(number))
      .filter((e) => e.action === "change.transition")
      .map((e) => e.data);
    expect(transitions.at(-1)).toEqual(
      expect.objectContaining({ number, from: "Authorize", to: "Scheduled", type: "normal" }),
    );
    const rows = await store.changes.approvals(number);
    expect(rows.map((r) => [r.identity, r.groups, r.level, r.expiresAt])).toEqual([
      ["alice", ["app-owners"], 0, "2027-07-01T10:00:00.000Z"],
      ["bob", ["cab"], 1, "2027-07-01T10:00:00.000Z"],
    ]);
  });

  it("needs every member when a second policy asks cab for all; an edit after approval invalidates it", async () => {
    const strict = `apiVersion: upshift.dev/v1alpha1
kind: Policy
metadata: { name: strict }
spec:
  approvals:
    rules:
      - name: cab-all
        match: { environments: [prod] }
        groups: [{ name: cab, quorum: all, level: 1 }]
`;
    await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { authorization: `Bearer ${tokens.ann}`, "content-type": "application/yaml" },
      payload: strict,
    });
    const number = await create();
    await authorize(number);
    await call("alice", "POST", `/v1/changes/${number}/approve`, {});
    expect((await call("bob", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Authorize");
    expect((await call("carol", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Scheduled");
    const moved = await call("rita", "PATCH", `/v1/changes/${number}`, {
      start: "2027-06-12T22:00:00Z",
      end: "2027-06-13T01:00:00Z",
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const edited = moved.json();
    expect(edited.state).toBe("Authorize");
    expect(edited.endedRounds[0]).toMatchObject({ kind: "invalidated" });
    expect(edited.endedRounds[0].changed[0]).toContain("window changed from 2027-06-10T22:00:00.000Z");
    expect(edited.approval.authorized).toBe(false);
    const editEntry = (await auditOf(number)).find((e) => e.action === "change.edit");
    expect(editEntry?.data).toMatchObject({ number, approvalsInvalidated: true });
    expect(
      (await store.changes.approvals(number)).every((r) =>
        r.ended?.startsWith("invalidated by edit: window changed"),
      ),
    ).toBe(true);
    // The old approvals no longer count: the round starts again at level 0.
    expect((await call("bob", "POST", `/v1/changes/${number}/approve`, {})).statusCode).toBe(409);
    expect((await call("alice", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Authorize");
    const same = await call("rita", "PATCH", `/v1/changes/${number}`, {
      start: "2027-06-12T22:00:00Z",
      end: "2027-06-13T01:00:00Z",
    });
    expect(same.statusCode).toBe(409);
    expect(same.json().code).toBe("change.nothing-changed");
    const rejected = await call("bob", "POST", `/v1/changes/${number}/reject`, { comment: "" });
    expect(rejected.json().code).toBe("change.comment-required");
  });

  it("refuses a run without an approved change, outside the window, or started by an approver; lets one in within the window", async () => {
    const run = (who: string) =>
      call(who, "POST", "/v1/runs", {
        plan: {
          release: "r1",
          environment: "prod",
          steps: [{ key: "w", kind: "wait", wave: 0, dependsOn: [], input: { duration: 1 } }],
        },
      });
    // The first request creates the change it needs and says what must happen next.
    const none = await run("otto");
    expect(none.statusCode).toBe(409);
    expect(none.headers["content-type"]).toContain("application/problem+json");
    expect(none.json()).toMatchObject({
      code: "change.created",
      errors: { changes: [{ number: "CHG-1", state: "New", type: "normal", created: true }] },
    });
    expect(none.json().detail).toContain("this request created CHG-1 (normal, New, requested by otto)");
    expect(none.json().detail).toContain("upshift change edit CHG-1 --start");
    expect(none.json().detail).toContain("upshift change submit CHG-1");
    expect(none.json().detail).toContain("upshift change authorize CHG-1");
    expect(none.json().detail).toContain("upshift approve CHG-1");
    const auto = (await call("otto", "GET", "/v1/changes/CHG-1")).json();
    expect(auto).toMatchObject({ type: "normal", state: "New", requestedBy: "otto", release: "r1" });
    const made = (await auditOf("CHG-1")).find((e) => e.action === "change.create");
    expect(made).toMatchObject({ actor: "otto", data: { number: "CHG-1", type: "normal", trigger: "run" } });
    // A second request reuses it: no second change.
    const again = await run("otto");
    expect(again.json()).toMatchObject({ code: "change.required" });
    expect(again.json().detail).toContain("CHG-1 is New; next: give it a window");
    expect((await call("otto", "GET", "/v1/changes")).json().items).toHaveLength(1);
    const number = "CHG-1";
    const windowed = await call("otto", "PATCH", `/v1/changes/${number}`, WINDOW);
    expect(windowed.statusCode, windowed.body).toBe(200);
    expect((await act("otto", number, "submit")).json().state).toBe("Assess");
    expect((await act("otto", number, "authorize")).json().state).toBe("Authorize");
    expect((await run("otto")).json().detail).toContain(`${number} is Authorize`);
    await call("alice", "POST", `/v1/changes/${number}/approve`, {});
    await call("bob", "POST", `/v1/changes/${number}/approve`, {});
    const early = await run("otto");
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain(`${number}'s window is 2027-06-10T22:00:00.000Z`);
    clock = T("2027-06-10T23:00:00Z");
    const byApprover = await run("bob");
    expect(byApprover.statusCode).toBe(409);
    expect(byApprover.json().code).toBe("change.not-authorized");
    const staging = await call("otto", "POST", "/v1/runs", {
      plan: {
        release: "r1",
        environment: "staging",
        steps: [{ key: "w", kind: "wait", wave: 0, dependsOn: [], input: {} }],
      },
    });
    expect(staging.statusCode).toBe(201);
    const started = await run("otto");
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json().id as string;
    const change = (await call("otto", "GET", `/v1/changes/${number}`)).json();
    expect(change.state).toBe("Implement");
    expect(change.runs).toEqual([expect.objectContaining({ runId, startedBy: "otto" })]);
    expect((await act("otto", number, "review")).json().code).toBe("change.run-active");
    const gate = new ChangeGate(store, new ChangeService(store));
    // Past the window's end a run still going is paused, not left to change things unapproved.
    clock = T("2027-06-11T02:00:00Z");
    expect(await gate.reconcile(clock)).toEqual([]);
    expect((await store.runs.getRun(runId))?.run.phase).toBe("Paused");
    expect((await call("otto", "GET", `/v1/changes/${number}`)).json().state).toBe("Implement");
    const aborted = await call("otto", "POST", `/v1/runs/${runId}/signals`, {
      kind: "abort",
      reason: "test",
    });
    expect(aborted.statusCode, aborted.body).toBe(200);
    await expect.poll(async () => (await store.runs.getRun(runId))?.run.phase).toMatch(/Aborted|RolledBack/);
    expect(await gate.reconcile(clock)).toEqual([number]);
    const reviewed = (await call("otto", "GET", `/v1/changes/${number}`)).json();
    expect(reviewed).toMatchObject({ state: "Review", outcome: "unsuccessful" });
    expect(await store.changes.history(["api"])).toEqual([
      { service: "api", outcome: "unsuccessful", incidents: [] },
    ]);
    const incident = await call("otto", "POST", `/v1/changes/${number}/incidents`, {
      service: "api",
      priority: 2,
    });
    expect(incident.statusCode, incident.body).toBe(201);
    const elsewhere = await call("otto", "POST", `/v1/changes/${number}/incidents`, {
      service: "web",
      priority: 2,
    });
    expect(elsewhere.statusCode).toBe(404);
    const p4 = await call("otto", "POST", `/v1/changes/${number}/incidents`, { service: "api", priority: 4 });
    expect(p4.statusCode).toBe(400);
    expect((await act("rita", number, "close")).json().state).toBe("Closed");
    // The failure counts against the next change of api.
    clock = T("2027-06-20T10:00:00Z");
    const next = await create("normal", { start: "2027-07-01T22:00:00Z", end: "2027-07-02T01:00:00Z" });
    const history = (await call("otto", "GET", `/v1/changes/${next}/risk`))
      .json()
      .factors.find((f: { name: string }) => f.name === "change history");
    // −5 for the failed change, −5 for its P2 incident: the weakest score, −10, adds 10 points.
    expect(history.points).toBe(10);
    expect(history.fact).toContain("1 failed");
    expect(history.fact).toContain("1 P2 incident");
  });

  it("moves a Scheduled change to Implement when its window opens", async () => {
    const number = await create("standard");
    expect((await act("rita", number, "submit")).json().state).toBe("Scheduled");
    const gate = new ChangeGate(store, new ChangeService(store));
    expect(await gate.reconcile(T("2027-06-10T21:59:59Z"))).toEqual([]);
    expect(await gate.reconcile(T("2027-06-10T22:00:00Z"))).toEqual([number]);
    expect((await call("otto", "GET", `/v1/changes/${number}`)).json().state).toBe("Implement");
  });

  it("re-checks the calendar when the window opens: a freeze added after scheduling keeps the change out of Implement", async () => {
    const number = await create("standard");
    expect((await act("rita", number, "submit")).json().state).toBe("Scheduled");
    // The environment's calendar gains a freeze over the window after the change was scheduled.
    const calendar = fleet.split(/^---$/m).find((d) => d.includes("name: prod-calendar")) ?? "";
    expect(calendar).toContain("kind: Calendar");
    const freeze = [
      calendar.trimEnd(),
      "    - name: incident-freeze",
      "      kind: freeze",
      "      timeZone: UTC",
      '      start: "2027-06-10T20:00:00"',
      '      end: "2027-06-11T06:00:00"',
      "      scope: { environments: [prod] }",
      "      owner: sre",
      "      emergencyOverride: false",
      "",
    ].join("\n");
    const applied = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { authorization: `Bearer ${tokens.ann}`, "content-type": "application/yaml" },
      payload: freeze,
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const gate = new ChangeGate(store, new ChangeService(store));
    expect(await gate.reconcile(T("2027-06-10T22:00:00Z"))).toEqual([]);
    expect((await call("otto", "GET", `/v1/changes/${number}`)).json().state).toBe("Scheduled");
    clock = T("2027-06-10T22:00:00Z");
    const refused = await act("rita", number, "implement");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/prod-calendar\/incident-freeze .*owner sre/);
  });

  it("refuses a window in a freeze, naming the window and its owner, unless an emergency may override it", async () => {
    const frozen = { start: "2027-12-24T10:00:00Z", end: "2027-12-24T12:00:00Z" };
    const standard = await create("standard", frozen);
    const refused = await act("rita", standard, "submit");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("change.window-conflict");
    expect(refused.json().detail).toMatch(
      /freeze window prod-calendar\/year-end-freeze .*owner release-management/,
    );
    expect((await call("otto", "GET", `/v1/changes/${standard}`)).json().state).toBe("New");
    const normal = await create("normal", frozen);
    expect((await act("rita", normal, "submit")).json().state).toBe("Assess");
    expect((await act("rita", normal, "authorize")).json().code).toBe("change.window-conflict");
    const audit = await create("normal", { start: "2027-03-02T10:00:00Z", end: "2027-03-02T12:00:00Z" });
    await act("rita", audit, "submit");
    const inAudit = await act("rita", audit, "authorize");
    expect(inAudit.json().detail).toMatch(/audit window prod-calendar\/q1-audit.*owner compliance/);
    const dcMove = await create("emergency", { start: "2027-09-05T10:00:00Z", end: "2027-09-05T12:00:00Z" });
    const noOverride = await act("rita", dcMove, "submit");
    expect(noOverride.json().detail).toMatch(/dc-move.*owner infrastructure; emergency override not allowed/);
    const emergency = await create("emergency", frozen);
    const submitted = (await act("rita", emergency, "submit")).json();
    expect(submitted.state).toBe("Authorize");
    expect(submitted.overriddenConflicts[0]).toContain("year-end-freeze");
  });

  it("asks the Policy's audit group as well when the window falls in an audit window", async () => {
    const auditPolicy = `apiVersion: upshift.dev/v1alpha1
kind: Policy
metadata: { name: audit }
spec:
  auditWindows: { approverGroup: auditors }
`;
    await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { authorization: `Bearer ${tokens.ann}`, "content-type": "application/yaml" },
      payload: auditPolicy,
    });
    tokens.ivy = (
      await store.tokens.create("ivy", "approver", new Date(clock), { groups: ["auditors"] })
    ).token;
    const number = await create("normal", { start: "2027-03-02T10:00:00Z", end: "2027-03-02T12:00:00Z" });
    await authorize(number);
    const requested = (await auditOf(number)).find((e) => e.action === "change.approval-requested");
    expect(requested?.data.groups).toEqual(["app-owners", "auditors"]);
    expect((await call("alice", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Authorize");
    expect((await call("bob", "POST", `/v1/changes/${number}/approve`, {})).json().detail).toContain(
      "auditors",
    );
    expect((await call("ivy", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Authorize");
    const done = (await call("bob", "POST", `/v1/changes/${number}/approve`, {})).json();
    expect(done).toMatchObject({ state: "Scheduled", auditApproverGroup: "auditors" });
  });

  it("lets approvals expire: a change whose approvals lapsed before its window neither implements nor admits a run", async () => {
    const number = await create("normal", { start: "2027-08-01T00:00:00Z", end: "2027-08-01T04:00:00Z" });
    await authorize(number);
    await call("alice", "POST", `/v1/changes/${number}/approve`, {});
    expect((await call("bob", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Scheduled");
    clock = T("2027-08-01T00:30:00Z");
    const implement = await act("otto", number, "implement");
    expect(implement.statusCode).toBe(409);
    expect(implement.json().detail).toContain(
      "alice's approval for app-owners expired at 2027-07-01T10:00:00.000Z",
    );
    const gate = new ChangeGate(store, new ChangeService(store));
    expect(await gate.reconcile(clock)).toEqual([]);
    const run = await call("otto", "POST", "/v1/runs", {
      plan: {
        release: "r1",
        environment: "prod",
        steps: [{ key: "w", kind: "wait", wave: 0, dependsOn: [], input: {} }],
      },
    });
    expect(run.statusCode).toBe(409);
    expect(run.json().detail).toContain("expired");
    expect((await call("otto", "GET", `/v1/changes/${number}`)).json().state).toBe("Scheduled");
  });

  it("takes an emergency change to Closed only after its retrospective has findings", async () => {
    clock = T("2027-12-24T09:00:00Z");
    const number = await create("emergency", { start: "2027-12-24T09:30:00Z", end: "2027-12-24T12:00:00Z" });
    expect((await act("rita", number, "submit")).json().state).toBe("Authorize");
    const notEmergency = await call("alice", "POST", `/v1/changes/${number}/approve`, {});
    expect(notEmergency.statusCode).toBe(409);
    expect((await call("oscar", "POST", `/v1/changes/${number}/approve`, {})).json().state).toBe("Scheduled");
    clock = T("2027-12-24T10:00:00Z");
    expect((await act("otto", number, "implement")).json().state).toBe("Implement");
    expect((await act("otto", number, "review", { outcome: "successful" })).json()).toMatchObject({
      state: "Review",
      retrospective: { kind: "open" },
    });
    const early = await act("rita", number, "close");
    expect(early.json().code).toBe("change.retrospective-open");
    const empty = await call("rita", "POST", `/v1/changes/${number}/retrospective`, { findings: ["  "] });
    expect(empty.json().code).toBe("change.findings-required");
    const done = await call("rita", "POST", `/v1/changes/${number}/retrospective`, {
      findings: ["payment outage needed the hotfix at once", "add a canary for the fee path"],
    });
    expect(done.json().retrospective).toMatchObject({ kind: "completed", by: "rita" });
    const closed = (await act("rita", number, "close")).json();
    expect(closed).toMatchObject({ state: "Closed", emergency: true });
    const actions = (await auditOf(number)).map((e) => e.action);
    expect(actions).toContain("change.retrospective");
    expect(
      (await auditOf(number))
        .filter((e) => e.action === "change.transition")
        .map((e) => `${e.data.from}>${e.data.to}`),
    ).toEqual([
      "New>Authorize",
      "Authorize>Scheduled",
      "Scheduled>Implement",
      "Implement>Review",
      "Review>Closed",
    ]);
    expect((await act("rita", number, "cancel", { reason: "x" })).json().code).toBe("change.terminal");
  });
});
