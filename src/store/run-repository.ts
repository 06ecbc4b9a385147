import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { ConflictError, InputError, NotFoundError } from "../core/errors/domain-error.js";
import { newlyReady, rollbackPlan, type StepView } from "../core/run/run-graph.js";
import { conditionsFor, deriveRunStatus, isTerminalPhase, type RunPhase } from "../core/run/run-phase.js";
import { checkRunPlan, type PlannedStep, type RunPlan } from "../core/run/run-plan.js";
import type { ClaimedStep, RetryPolicy, RunStorePort } from "../core/run/run-store-port.js";
import { type RunSignal, type SignalKind, STEP_SIGNALS } from "../core/run/signal.js";
import type { Fence, StepOutcome } from "../core/run/step-handler.js";
import { stepRowForOutcome } from "../core/run/step-outcome-row.js";
import type { StepState } from "../core/run/step-state.js";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";
import { hotQuery, placeholders, repeated } from "./hot-sql.js";
import {
  type EventRow,
  eventRow,
  insertEvents,
  json,
  type RunEvent,
  type RunRecord,
  type StepRecord,
  type Trx,
  toRun,
  toStepRecord,
  toView,
} from "./run-records.js";
import type { Schema, StepTable } from "./schema.js";

/** Phases that end a run's attempt: each is recorded in the audit log as `run.finish` (notifications tail it). */
const FINISH_PHASES: ReadonlySet<RunPhase> = new Set(["Succeeded", "Failed", "RolledBack", "Aborted"]);
// Claims up to `limit` due steps (see claim()). A failed run starts nothing new, but steps
// already dispatched in the failing wave still finish, waiting ones included (a sibling's canary
// paused on a timer must not stay half-shifted), so the outcome does not depend on which sibling
// a worker happened to pick first. Parameters: the unknown owner's placeholder text,
// owner, lease expiry, due_at, heartbeat_at, claimed_at, started_at, now, limit.
const claimSql = (lock: string) => `
      update steps set
        attempt = case when state in ('ready', 'running') then attempt + 1 else attempt end,
        claim_kind = case state when 'running' then 'takeover' when 'waiting' then 'wake' else 'fresh' end,
        message = case when state = 'running' then 'taken over after lease of ' || coalesce(lease_owner, ?) || ' expired' else message end,
        state = 'running',
        lease_owner = ?,
        lease_generation = lease_generation + 1,
        lease_expires_at = ?,
        due_at = ?,
        heartbeat_at = ?,
        claimed_at = ?,
        wake_at = null,
        started_at = coalesce(started_at, ?)
      where id in (select s.id from steps s join runs r on r.id = s.run_id
          where r.phase in ('Running', 'RollingBack', 'Failed')
            and s.due_at <= ? and s.state in ('ready', 'waiting', 'running')
          order by s.due_at limit ?${lock})
      returning id, run_id, environment, key, kind, service, direction, attempt, input, output, lease_generation, claim_kind, ready_at, change_number`;
const CLAIM_SQLITE = claimSql("");
const CLAIM_PG = claimSql(" for update of s skip locked");

type ClaimRow = Pick<
  StepTable,
  | "id"
  | "run_id"
  | "environment"
  | "key"
  | "kind"
  | "service"
  | "direction"
  | "attempt"
  | "input"
  | "output"
  | "lease_generation"
  | "claim_kind"
  | "ready_at"
  | "change_number"
>;

// Nearly every step's input or output is "{}": no need to parse it again and again.
function parsedObject(text: string): Record<string, unknown> {
  return text === "{}" ? {} : json(text);
}

// depends_on texts repeat across runs of the same plan shape; parse each distinct text once.
const parsedDependsOn = new Map<string, readonly string[]>();
function dependsOnOf(text: string): readonly string[] {
  let list = parsedDependsOn.get(text);
  if (list === undefined) {
    list = JSON.parse(text) as string[];
    if (parsedDependsOn.size > 10_000) parsedDependsOn.clear();
    parsedDependsOn.set(text, list);
  }
  return list;
}

// Every outcome in one fenced UPDATE … FROM (VALUES …): a row is written only while its lease
// generation is current and the step still running. Nine parameters per outcome.
const recordOutcomesSql = (n: number) => `
      with v(v_id, v_gen, v_state, v_message, v_output, v_wake_at, v_ready_at, v_due_at, v_finished_at) as (values ${Array.from(
        { length: n },
        () =>
          "(cast(? as text), cast(? as bigint), cast(? as text), cast(? as text), cast(? as text), cast(? as bigint), cast(? as bigint), cast(? as bigint), cast(? as bigint))",
      ).join(", ")})
      update steps set
        state = v.v_state,
        message = v.v_message,
        output = coalesce(v.v_output, steps.output),
        wake_at = v.v_wake_at,
        ready_at = coalesce(v.v_ready_at, steps.ready_at),
        due_at = v.v_due_at,
        finished_at = coalesce(v.v_finished_at, steps.finished_at),
        lease_owner = null,
        lease_expires_at = null
      from v
      where steps.id = v.v_id and steps.lease_generation = v.v_gen and steps.state = 'running'
      returning id, key, attempt`;

interface AdvanceRow {
  id: string;
  run_id: string;
  key: string;
  kind: string;
  wave: number;
  state: string;
  direction: string;
  depends_on: string;
  message: string | null;
  service: string | null;
  environment: string;
  run_phase: string;
}

// Only what readiness and status need: no inputs or outputs to read on the hot path.
const advanceStepsSql = (n: number) =>
  `select s.id, s.run_id, s.key, s.kind, s.wave, s.state, s.direction, s.depends_on, s.message, s.service, s.environment, r.phase as run_phase
        from steps s join runs r on r.id = s.run_id
        where s.run_id in (${placeholders(n)})`;

const makeReadySql = (n: number) =>
  `update steps set state = 'ready', ready_at = ?, due_at = ? where id in (${placeholders(n)}) and state = 'pending'`;

const releaseLocksSql = (n: number) =>
  `delete from run_locks where environment = ? and service in (${placeholders(n)}) and run_id = ?`;

const insertEventsSql = (n: number) =>
  `insert into run_events (run_id, at, type, step_key, data) values ${Array.from({ length: n }, () => "(?, ?, ?, ?, ?)").join(", ")}`;

const UPDATE_RUN_PHASE =
  "update runs set phase = ?, message = ?, conditions = ?, updated_at = ?, finished_at = coalesce(cast(? as bigint), finished_at) where id = ?";

/** Kinds whose handlers change the world and must be reverted on abort (set by the server's registry). */
export type RevertibleKinds = (kind: string) => boolean;

/** Runs, steps, leases, signals and events on SQLite or PostgreSQL. */
export class RunRepository implements RunStorePort {
  constructor(
    private readonly database: Database,
    private readonly onReady: () => void,
    private readonly audit: AuditRepository,
    private revertible: RevertibleKinds = () => false,
  ) {}

  setRevertible(revertible: RevertibleKinds): void {
    this.revertible = revertible;
  }

  private get pg(): boolean {
    return this.database.dialect === "postgres";
  }

  private async notify(trx: Trx): Promise<void> {
    if (this.pg) await sql`select pg_notify('upshift_steps', '')`.execute(trx);
  }

  private async event(
    trx: Trx,
    runId: string,
    at: number,
    type: string,
    stepKey: string | null,
    data: Record<string, unknown> = {},
  ) {
    await trx
      .insertInto("run_events")
      .values({ run_id: runId, at, type, step_key: stepKey, data: JSON.stringify(data) })
      .execute();
  }

  /**
   * Creates a run and takes the (service, environment) locks; refused while another active run
   * holds one. `change` is the change request the run implements: its steps carry it, and workers
   * check it before each step starts.
   */
  async createRun(
    plan: RunPlan,
    options: { startedBy: string | null; now: number; id?: string; change?: string },
  ): Promise<RunRecord> {
    const problems = checkRunPlan(plan);
    if (problems.length > 0)
      throw new InputError("run.invalid-plan", `the run plan is invalid: ${problems.join("; ")}`);
    const id = options.id ?? randomUUID();
    const now = options.now;
    const services = [
      ...new Set(plan.steps.map((s) => s.service).filter((s): s is string => typeof s === "string")),
    ].sort();
    const record = await this.database.db.transaction().execute(async (trx) => {
      if (this.pg) await sql`select pg_advisory_xact_lock(hashtext('upshift.run_locks'))`.execute(trx);
      if (services.length > 0) {
        const held = await trx
          .selectFrom("run_locks")
          .selectAll()
          .where("environment", "=", plan.environment)
          .where("service", "in", services)
          .execute();
        if (held.length > 0) {
          const list = held.map((h) => `${h.service} (run ${h.run_id})`).join(", ");
          throw new ConflictError(
            "run.service-busy",
            `another active run holds ${list} in ${plan.environment}; wait for it, or abort it`,
            {
              details: held.map((h) => ({ service: h.service, environment: h.environment, runId: h.run_id })),
            },
          );
        }
      }
      const status = deriveRunStatus(
        "Running",
        plan.steps.map((s) => ({ key: s.key, state: "pending", direction: "forward", message: null })),
      );
      await trx
        .insertInto("runs")
        .values({
          id,
          release: plan.release,
          environment: plan.environment,
          phase: status.phase,
          message: status.message,
          conditions: JSON.stringify(conditionsFor(status, new Date(now).toISOString())),
          plan: JSON.stringify(plan),
          started_by: options.startedBy,
          created_at: now,
          updated_at: now,
          finished_at: null,
        })
        .execute();
      for (const service of services)
        await trx
          .insertInto("run_locks")
          .values({ service, environment: plan.environment, run_id: id })
          .execute();
      await this.insertSteps(trx, id, plan.environment, plan.steps, "forward", now, {
        change: options.change ?? null,
      });
      await this.audit.appendWithin(trx, [
        {
          at: new Date(now).toISOString(),
          actor: options.startedBy ?? "anonymous",
          action: "run.start",
          subject: `run/${id}`,
          data: { release: plan.release, environment: plan.environment, steps: plan.steps.length },
        },
      ]);
      await this.event(trx, id, now, "run.created", null, {
        release: plan.release,
        environment: plan.environment,
        steps: plan.steps.length,
        by: options.startedBy,
      });
      const events: EventRow[] = [];
      await this.advance(trx, id, now, events);
      await insertEvents(trx, events);
      await this.notify(trx);
      return this.getRunIn(trx, id);
    });
    this.onReady();
    return record;
  }

  private async insertSteps(
    trx: Trx,
    runId: string,
    environment: string,
    steps: readonly PlannedStep[],
    direction: "forward" | "rollback",
    now: number,
    options: { notBefore?: number; change: string | null },
  ) {
    const notBefore = options.notBefore;
    for (const s of steps) {
      const ready = s.dependsOn.length === 0;
      await trx
        .insertInto("steps")
        .values({
          id: randomUUID(),
          run_id: runId,
          environment,
          key: s.key,
          kind: s.kind,
          service: s.service ?? null,
          wave: s.wave,
          direction,
          depends_on: JSON.stringify(s.dependsOn),
          input: JSON.stringify(s.input),
          output: "{}",
          state: ready ? "ready" : "pending",
          attempt: 0,
          lease_owner: null,
          lease_generation: 0,
          lease_expires_at: null,
          heartbeat_at: null,
          wake_at: null,
          ready_at: ready ? Math.max(now, notBefore ?? now) : null,
          due_at: ready ? Math.max(now, notBefore ?? now) : null,
          claimed_at: null,
          claim_kind: null,
          message: null,
          started_at: null,
          finished_at: null,
          change_number: options.change,
        })
        .execute();
    }
  }

  /**
   * Claims up to `limit` due steps in one statement: ready ones, waiting ones whose timer fired, and
   * running ones whose lease expired (a takeover: attempt + 1). PostgreSQL skips rows other replicas
   * are claiming (FOR UPDATE SKIP LOCKED); SQLite has one writer.
   */
  async claim(owner: string, leaseMs: number, limit: number, now: number): Promise<ClaimedStep[]> {
    if (this.pg) {
      // One autocommit statement; takeovers (rare) are recorded after it.
      const events: EventRow[] = [];
      const claimed = await this.claimWithin(this.database.db, owner, leaseMs, limit, now, events);
      if (events.length > 0)
        await this.database.db.transaction().execute((trx) => this.insertEventRows(trx, events));
      return claimed;
    }
    // On SQLite the hot path's statements need the connection held by a transaction (hot-sql.ts).
    return this.database.db.transaction().execute(async (trx) => {
      const events: EventRow[] = [];
      const claimed = await this.claimWithin(trx, owner, leaseMs, limit, now, events);
      await this.insertEventRows(trx, events);
      return claimed;
    });
  }

  /** The claim statement, run on `executor` (the database, or a group commit's transaction); takeovers become events. */
  private async claimWithin(
    executor: Kysely<Schema>,
    owner: string,
    leaseMs: number,
    limit: number,
    now: number,
    events: EventRow[],
  ): Promise<ClaimedStep[]> {
    const claimed = await hotQuery<ClaimRow>(this.database, executor, this.pg ? CLAIM_PG : CLAIM_SQLITE, [
      "?",
      owner,
      now + leaseMs,
      now + leaseMs,
      now,
      now,
      now,
      now,
      limit,
    ]);
    if (claimed.length === 0) return [];
    const result: ClaimedStep[] = [];
    for (const r of claimed) {
      const takeover = r.claim_kind === "takeover";
      result.push({
        id: r.id,
        runId: r.run_id,
        environment: r.environment,
        key: r.key,
        kind: r.kind,
        service: r.service,
        direction: r.direction as "forward" | "rollback",
        attempt: Number(r.attempt),
        input: parsedObject(r.input),
        output: parsedObject(r.output),
        generation: Number(r.lease_generation),
        takeover,
        readyAt: r.ready_at === null ? null : Number(r.ready_at),
        claimedAt: now,
        change: r.change_number ?? null,
      });
    }
    for (const c of result)
      if (c.takeover)
        events.push(
          eventRow(c.runId, now, "step.takeover", c.key, {
            owner,
            attempt: c.attempt,
            generation: c.generation,
          }),
        );
    return result;
  }

  /** Signals addressed to a step or to its whole run, oldest first (read when a handler asks). */
  async signalsFor(runId: string, stepKey: string): Promise<RunSignal[]> {
    const rows = await this.database.db
      .selectFrom("run_signals")
      .selectAll()
      .where("run_id", "=", runId)
      .where((eb) => eb.or([eb("step_key", "is", null), eb("step_key", "=", stepKey)]))
      .orderBy("id")
      .execute();
    return rows.map((s) => ({
      kind: s.kind as SignalKind,
      stepKey: s.step_key,
      by: s.by,
      reason: s.reason,
      value: s.value,
      at: new Date(Number(s.at)).toISOString(),
    }));
  }

  async heartbeat(fence: Fence, leaseMs: number, now: number): Promise<boolean> {
    const r = await this.database.db
      .updateTable("steps")
      .set({ lease_expires_at: now + leaseMs, due_at: now + leaseMs, heartbeat_at: now })
      .where("id", "=", fence.stepId)
      .where("lease_generation", "=", fence.generation)
      .where("state", "=", "running")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async checkpoint(fence: Fence, output: Record<string, unknown>, _now: number): Promise<boolean> {
    const r = await this.database.db
      .updateTable("steps")
      .set({ output: JSON.stringify(output) })
      .where("id", "=", fence.stepId)
      .where("lease_generation", "=", fence.generation)
      .where("state", "=", "running")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records a handler's outcome (fenced) and advances the run in the same transaction. */
  async complete(fence: Fence, outcome: StepOutcome, now: number, retry: RetryPolicy): Promise<boolean> {
    const [ok] = await this.completeMany([{ fence, outcome }], now, retry);
    return ok ?? false;
  }

  /**
   * Group commit: records several outcomes and advances their runs in one transaction, so the
   * per-transaction cost (round trips on PostgreSQL, driver overhead on SQLite) is shared. Each
   * outcome is fenced on its own; one lost lease does not affect the others.
   */
  async completeMany(
    items: readonly { fence: Fence; outcome: StepOutcome }[],
    now: number,
    retry: RetryPolicy,
  ): Promise<boolean[]> {
    if (items.length === 0) return [];
    return (await this.completeAndClaim(items, now, retry, undefined)).recorded;
  }

  /**
   * Group commit and the next claim in one transaction: records the outcomes, advances their
   * runs, then claims up to `claim.limit` due steps (those just made ready included), so a busy
   * worker pays one commit per cycle instead of two.
   */
  async completeAndClaim(
    items: readonly { fence: Fence; outcome: StepOutcome }[],
    now: number,
    retry: RetryPolicy,
    claim: { owner: string; leaseMs: number; limit: number } | undefined,
  ): Promise<{ recorded: boolean[]; claimed: ClaimedStep[] }> {
    if (items.length === 0)
      return {
        recorded: [],
        claimed: claim === undefined ? [] : await this.claim(claim.owner, claim.leaseMs, claim.limit, now),
      };
    const result = await this.database.db.transaction().execute(async (trx) => {
      const runIds: string[] = [];
      for (const item of items) {
        let runId = item.fence.runId;
        if (runId === undefined) {
          const found = await trx
            .selectFrom("steps")
            .select("run_id")
            .where("id", "=", item.fence.stepId)
            .executeTakeFirst();
          runId = found?.run_id;
        }
        runIds.push(runId ?? "");
      }
      const distinctRuns = [...new Set(runIds.filter((r) => r !== ""))].sort();
      // Lock the runs in a fixed order so concurrent group commits cannot deadlock.
      if (this.pg && distinctRuns.length > 0)
        await sql`select id from runs where id in (${sql.join(distinctRuns)}) order by id for update`.execute(
          trx,
        );
      const events: EventRow[] = [];
      const recorded = await this.recordOutcomes(trx, items, runIds, now, retry, events);
      await this.advanceMany(trx, distinctRuns, now, events);
      const claimed =
        claim === undefined || claim.limit <= 0
          ? []
          : await this.claimWithin(trx, claim.owner, claim.leaseMs, claim.limit, now, events);
      await this.insertEventRows(trx, events);
      await this.notify(trx);
      return { recorded, claimed };
    });
    if (result.recorded.some(Boolean)) this.onReady();
    return result;
  }

  /**
   * Writes every outcome in one fenced UPDATE … FROM (VALUES …) (SQLite 3.33+ and PostgreSQL): a row
   * is written only while its lease generation is current and the step still running.
   */
  private async recordOutcomes(
    trx: Trx,
    items: readonly { fence: Fence; outcome: StepOutcome }[],
    runIds: readonly string[],
    now: number,
    retry: RetryPolicy,
    events: EventRow[],
  ): Promise<boolean[]> {
    const failedIds = items.filter((i) => i.outcome.kind === "failed").map((i) => i.fence.stepId);
    const attempts = new Map<string, number>();
    if (failedIds.length > 0) {
      for (const r of await trx
        .selectFrom("steps")
        .select(["id", "attempt"])
        .where("id", "in", failedIds)
        .execute())
        attempts.set(r.id, Number(r.attempt));
    }
    const rows = items.map(({ fence, outcome }) => ({
      fence,
      row: stepRowForOutcome(outcome, attempts.get(fence.stepId) ?? 0, now, retry),
      outcome,
    }));
    const params: unknown[] = [];
    for (const { fence, row } of rows)
      params.push(
        fence.stepId,
        fence.generation,
        row.state,
        row.message,
        row.output,
        row.wakeAt,
        row.readyAt,
        row.dueAt,
        row.finishedAt,
      );
    const updated = await hotQuery<{ id: string; key: string; attempt: number }>(
      this.database,
      trx,
      repeated("record-outcomes", rows.length, recordOutcomesSql),
      params,
    );
    const byId = new Map(updated.map((r) => [r.id, r]));
    return rows.map(({ fence, row, outcome }, i) => {
      const r = byId.get(fence.stepId);
      if (r === undefined) return false;
      events.push(
        eventRow(runIds[i] ?? "", now, row.type, r.key, {
          attempt: Number(r.attempt),
          message: row.message,
          ...(outcome.kind === "waiting" && outcome.until ? { until: outcome.until.toISOString() } : {}),
        }),
      );
      return true;
    });
  }

  private async lockRun(trx: Trx, runId: string): Promise<void> {
    // Serializes run advancement across replicas so concurrent sibling completions see each other.
    if (this.pg) await sql`select id from runs where id = ${runId} for update`.execute(trx);
  }

  /** Makes newly unblocked steps ready and re-derives the run's phase; releases locks at the end. */
  private async advance(trx: Trx, runId: string, now: number, events: EventRow[]): Promise<void> {
    await this.advanceMany(trx, [runId], now, events);
  }

  /**
   * Advances several runs with one read of their steps and one write of newly ready steps. The run
   * row is written only when its phase changes; the live progress message is derived on read.
   */
  private async advanceMany(
    trx: Trx,
    runIds: readonly string[],
    now: number,
    events: EventRow[],
  ): Promise<void> {
    if (runIds.length === 0) return;
    // Only what readiness and status need: no inputs or outputs to parse on the hot path.
    // Raw SQL on the hot path: the builder's per-call compile costs more than the query on SQLite.
    const rows = await hotQuery<AdvanceRow>(
      this.database,
      trx,
      repeated("advance-steps", runIds.length, advanceStepsSql),
      runIds,
    );
    const byRun = new Map<string, typeof rows>();
    for (const r of rows) byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), r]);
    const readyIds: string[] = [];
    for (const [runId, runRows] of byRun) {
      const phase = (runRows[0]?.run_phase ?? "Running") as RunPhase;
      const views: StepView[] = runRows.map((r) => ({
        key: r.key,
        kind: r.kind,
        wave: r.wave,
        dependsOn: dependsOnOf(r.depends_on),
        state: r.state as StepState,
        direction: r.direction as "forward" | "rollback",
        input: {},
      }));
      const direction = phase === "RollingBack" ? "rollback" : "forward";
      const ready = new Set(
        phase === "Failed" ? [] : newlyReady(views.filter((v) => v.direction === direction)),
      );
      for (const r of runRows) {
        if (!ready.has(r.key)) continue;
        readyIds.push(r.id);
        events.push(eventRow(runId, now, "step.ready", r.key));
      }
      const status = deriveRunStatus(
        phase,
        views.map((v, i) => ({
          key: v.key,
          state: ready.has(v.key) ? "ready" : v.state,
          direction: v.direction,
          message: runRows[i]?.message ?? null,
        })),
      );
      if (status.phase === phase) continue;
      const terminal = isTerminalPhase(status.phase);
      await hotQuery(this.database, trx, UPDATE_RUN_PHASE, [
        status.phase,
        status.message,
        JSON.stringify(conditionsFor(status, new Date(now).toISOString())),
        now,
        terminal ? now : null,
        runId,
      ]);
      events.push(
        eventRow(runId, now, "run.phase", null, { from: phase, to: status.phase, message: status.message }),
      );
      if (FINISH_PHASES.has(status.phase))
        await this.audit.appendWithin(trx, [
          {
            at: new Date(now).toISOString(),
            actor: "system",
            action: "run.finish",
            subject: `run/${runId}`,
            data: { phase: status.phase, from: phase, message: status.message },
          },
        ]);
      if (terminal) await this.releaseLocks(trx, runId, runRows);
    }
    if (readyIds.length > 0)
      await hotQuery(this.database, trx, repeated("make-ready", readyIds.length, makeReadySql), [
        now,
        now,
        ...readyIds,
      ]);
  }

  /** One multi-row insert of a transaction's events, as a fixed text per row count (hot path). */
  private async insertEventRows(trx: Trx, events: readonly EventRow[]): Promise<void> {
    if (events.length === 0) return;
    const params: unknown[] = [];
    for (const e of events) params.push(e.run_id, e.at, e.type, e.step_key, e.data);
    await hotQuery(this.database, trx, repeated("insert-events", events.length, insertEventsSql), params);
  }

  /**
   * Deletes a finished run's locks through the (service, environment) primary key: its steps name
   * every service it locked, and run_locks has no index on run_id (a scan per finished run).
   */
  private async releaseLocks(
    trx: Trx,
    runId: string,
    steps: readonly { service: string | null; environment: string }[],
  ): Promise<void> {
    const services = [...new Set(steps.flatMap((r) => (r.service === null ? [] : [r.service])))];
    const environment = steps[0]?.environment;
    if (services.length === 0 || environment === undefined) return;
    await hotQuery(this.database, trx, repeated("release-locks", services.length, releaseLocksSql), [
      environment,
      ...services,
      runId,
    ]);
  }

  async nextDueAt(now: number): Promise<number | null> {
    // Past-due steps are the claim's business; this finds the next timer or lease expiry (index range scan).
    const row = await this.database.db
      .selectFrom("steps")
      .select((eb) => eb.fn.min("due_at").as("due"))
      .where("due_at", ">", now)
      .executeTakeFirst();
    const due = row?.due;
    return due === null || due === undefined ? null : Number(due);
  }

  /** Records a signal from a person and applies it: pause, resume, abort (rollback), retry, skip, approve, judge, promote. */
  async signal(
    runId: string,
    input: { kind: SignalKind; stepKey?: string; by: string; reason?: string; value?: string },
    now: number,
    /** For an abort by a rollback trigger: the step whose handler fired it and stops at once. */
    options: { releasedStepId?: string } = {},
  ): Promise<RunRecord> {
    const record = await this.database.db.transaction().execute(async (trx) => {
      await this.lockRun(trx, runId);
      const run = await trx.selectFrom("runs").selectAll().where("id", "=", runId).executeTakeFirst();
      if (run === undefined) throw new NotFoundError("run.not-found", `run ${runId} does not exist`);
      const phase = run.phase as RunPhase;
      if (isTerminalPhase(phase))
        throw new ConflictError("run.finished", `run ${runId} is ${phase}; it takes no more signals`);
      const stepKey = input.stepKey ?? null;
      if (STEP_SIGNALS.has(input.kind) && stepKey === null)
        throw new InputError("signal.step-required", `signal ${input.kind} needs --step <key>`);
      const step =
        stepKey === null
          ? undefined
          : await trx
              .selectFrom("steps")
              .selectAll()
              .where("run_id", "=", runId)
              .where("key", "=", stepKey)
              .executeTakeFirst();
      if (stepKey !== null && step === undefined) {
        const keys = (await trx.selectFrom("steps").select("key").where("run_id", "=", runId).execute()).map(
          (s) => s.key,
        );
        throw new NotFoundError(
          "step.not-found",
          `run ${runId} has no step "${stepKey}"; its steps: ${keys.join(", ")}`,
        );
      }
      await trx
        .insertInto("run_signals")
        .values({
          run_id: runId,
          step_key: stepKey,
          kind: input.kind,
          value: input.value ?? null,
          reason: input.reason ?? null,
          by: input.by,
          at: now,
        })
        .execute();
      await this.event(trx, runId, now, `signal.${input.kind}`, stepKey, {
        by: input.by,
        reason: input.reason ?? null,
        value: input.value ?? null,
      });
      await this.audit.appendWithin(trx, [
        {
          at: new Date(now).toISOString(),
          actor: input.by,
          action: "run.signal",
          subject: `run/${runId}`,
          data: { kind: input.kind, step: stepKey, reason: input.reason ?? null, value: input.value ?? null },
        },
      ]);
      const setPhase = (p: RunPhase) =>
        trx.updateTable("runs").set({ phase: p, updated_at: now }).where("id", "=", runId).execute();
      switch (input.kind) {
        case "pause":
          if (phase !== "Running")
            throw new ConflictError(
              "run.not-running",
              `run ${runId} is ${phase}; only a Running run can be paused`,
            );
          await setPhase("Paused");
          break;
        case "resume":
          if (phase !== "Paused")
            throw new ConflictError(
              "run.not-paused",
              `run ${runId} is ${phase}; only a Paused run can be resumed`,
            );
          await setPhase("Running");
          break;
        case "abort":
          await this.startRollback(trx, runId, phase, now, options.releasedStepId);
          break;
        case "retry-step":
          if (step?.state !== "failed")
            throw new ConflictError(
              "step.not-failed",
              `step ${stepKey} is ${step?.state}; only a failed step can be retried`,
            );
          await trx
            .updateTable("steps")
            .set({
              state: "ready",
              ready_at: now,
              due_at: now,
              message: `retry requested by ${input.by}`,
              finished_at: null,
            })
            .where("id", "=", step.id)
            .execute();
          if (phase === "Failed") await setPhase("Running");
          break;
        case "skip-step": {
          if (!input.reason) throw new InputError("signal.reason-required", "skip-step needs a reason");
          const state = step?.state as StepState;
          if (state === "succeeded" || state === "skipped" || state === "canceled")
            throw new ConflictError("step.finished", `step ${stepKey} is already ${state}`);
          await trx
            .updateTable("steps")
            .set({
              state: "skipped",
              message: `skipped by ${input.by}: ${input.reason}`,
              finished_at: now,
              due_at: null,
              lease_owner: null,
              lease_generation: sql`lease_generation + 1` as never,
            })
            .where("id", "=", step?.id ?? "")
            .execute();
          if (phase === "Failed") await setPhase("Running");
          break;
        }
        case "approve":
        case "judge":
        case "promote":
          // The step's handler reads the signal when it next reconciles: wake it now.
          if (step?.state === "waiting")
            await trx
              .updateTable("steps")
              .set({ wake_at: now, due_at: now })
              .where("id", "=", step.id)
              .execute();
          break;
        default: {
          const never: never = input.kind;
          throw new Error(`unhandled signal ${String(never)}`);
        }
      }
      const events: EventRow[] = [];
      await this.advance(trx, runId, now, events);
      await insertEvents(trx, events);
      await this.notify(trx);
      return this.getRunIn(trx, runId);
    });
    this.onReady();
    return record;
  }

  private async startRollback(
    trx: Trx,
    runId: string,
    phase: RunPhase,
    now: number,
    releasedStepId?: string,
  ): Promise<void> {
    if (phase === "RollingBack")
      throw new ConflictError("run.rolling-back", `run ${runId} is already rolling back`);
    const rows = await trx
      .selectFrom("steps")
      .selectAll()
      .where("run_id", "=", runId)
      .where("direction", "=", "forward")
      .execute();
    const plan = rollbackPlan(rows.map(toView), this.revertible);
    // A step still running belongs to a worker that learns of the abort at its next heartbeat; its
    // rollback waits until that worker's lease would have run out, so the two never act together.
    const latestLease = Math.max(
      now,
      ...rows
        .filter((r) => r.state === "running" && r.id !== releasedStepId)
        .map((r) => Number(r.lease_expires_at ?? now)),
    );
    await trx
      .updateTable("steps")
      .set({
        state: "canceled",
        message: "canceled by abort",
        finished_at: now,
        due_at: null,
        lease_owner: null,
        lease_generation: sql`lease_generation + 1` as never,
      })
      .where("run_id", "=", runId)
      .where("direction", "=", "forward")
      .where("state", "in", ["pending", "ready", "running", "waiting"])
      .execute();
    const environment = rows[0]?.environment ?? "";
    await this.insertSteps(trx, runId, environment, plan, "rollback", now, {
      notBefore: latestLease,
      change: rows[0]?.change_number ?? null,
    });
    await trx
      .updateTable("runs")
      .set({ phase: "RollingBack", updated_at: now })
      .where("id", "=", runId)
      .execute();
    await this.event(trx, runId, now, "run.rollback-planned", null, { steps: plan.map((p) => p.key) });
  }

  private async getRunIn(trx: Trx, id: string): Promise<RunRecord> {
    const r = await trx.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    return toRun(r);
  }

  async getRun(id: string): Promise<{ run: RunRecord; steps: StepRecord[] } | undefined> {
    const r = await this.database.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
    if (r === undefined) return undefined;
    const steps = await this.database.db
      .selectFrom("steps")
      .selectAll()
      .where("run_id", "=", id)
      .orderBy("direction", "desc")
      .orderBy("wave")
      .orderBy("key")
      .execute();
    const run = toRun(r);
    // The stored message is written on phase changes; the live one follows from the steps.
    const live = deriveRunStatus(
      run.phase,
      steps.map((s) => ({
        key: s.key,
        state: s.state as StepState,
        direction: s.direction as "forward" | "rollback",
        message: s.message,
      })),
    );
    const message = live.phase === run.phase ? live.message : run.message;
    return { run: { ...run, message }, steps: steps.map(toStepRecord) };
  }

  async listRuns(options: { limit?: number; phase?: RunPhase } = {}): Promise<RunRecord[]> {
    let q = this.database.db.selectFrom("runs").selectAll();
    if (options.phase) q = q.where("phase", "=", options.phase);
    const rows = await q
      .orderBy("created_at", "desc")
      .limit(options.limit ?? 100)
      .execute();
    return rows.map(toRun);
  }

  async events(runId: string, afterId = 0, limit = 1000): Promise<RunEvent[]> {
    const rows = await this.database.db
      .selectFrom("run_events")
      .selectAll()
      .where("run_id", "=", runId)
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((e) => ({
      id: Number(e.id),
      runId: e.run_id,
      at: Number(e.at),
      type: e.type,
      stepKey: e.step_key,
      data: json(e.data),
    }));
  }
}

export type { RunEvent, RunRecord, RunSignal, StepRecord };
