import { sql } from "kysely";
import type { ApprovalRecord } from "../core/change/approval/approval-record.js";
import type { LinkedRun } from "../core/change/approval/approval-subject.js";
import type { ChangeRequest } from "../core/change/change-request.js";
import type { ChangeState } from "../core/change/change-state.js";
import type { PastChange } from "../core/change/risk/risk-facts.js";
import { NotFoundError } from "../core/errors/domain-error.js";
import type { AuditRepository, NewAuditEntry } from "./audit-repository.js";
import type { Database } from "./database.js";
import type { Trx } from "./run-records.js";

/** What a change was made from and what was derived from it, kept beside the core's record. */
export type ChangeDetails = Readonly<Record<string, unknown>>;

/** A change as stored. */
export interface StoredChange<D = ChangeDetails> {
  readonly change: ChangeRequest;
  readonly details: D;
  readonly updatedAt: number;
}

/** What one mutation writes: the new change, its audit entries, and rows that go with it. */
export interface ChangeUpdate<D = ChangeDetails> {
  readonly change: ChangeRequest;
  readonly details?: D;
  readonly audit: readonly NewAuditEntry[];
  /** When an approval in the current round expires (epoch ms), for the approvals table. */
  readonly expiryOf?: (approval: ApprovalRecord) => number | null;
  /** Runs to link (the gate links the run it lets in). */
  readonly linkRuns?: readonly LinkedRun[];
  /** Outcome recorded for each service in scope when the change enters Review. */
  readonly history?: readonly PastChange[];
}

export interface ChangeFilter {
  readonly state?: ChangeState;
  readonly release?: string;
  readonly environment?: string;
  readonly active?: boolean;
  readonly limit?: number;
}

/**
 * Change requests on SQLite or PostgreSQL. The core's ChangeRequest is the source of truth (JSON
 * in `body`); columns and the approvals, runs and history tables are kept in step with it in the
 * same transaction as the audit entries that record the mutation. Mutations of one change are
 * serialized: a row lock on PostgreSQL, the single writer on SQLite.
 */
export class ChangeRepository {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditRepository,
  ) {}

  /** Assigns the next CHG-<n>, builds the change with it, and stores it with its audit entries. */
  async create<D>(
    build: (number: string) => { change: ChangeRequest; details: D; audit: readonly NewAuditEntry[] },
    now: number,
  ): Promise<StoredChange<D>> {
    return (await this.createUnless(undefined, build, now)).stored;
  }

  /**
   * As create, unless a change for the same release and environment is active (neither Closed
   * nor Canceled): then that one is returned and nothing is written. Checked under the same lock
   * that assigns numbers, so two concurrent requests create one change between them.
   */
  async createUnlessActive<D>(
    release: string,
    environment: string,
    build: (number: string) => { change: ChangeRequest; details: D; audit: readonly NewAuditEntry[] },
    now: number,
  ): Promise<{ stored: StoredChange<D>; created: boolean }> {
    return this.createUnless({ release, environment }, build, now);
  }

  private async createUnless<D>(
    active: { release: string; environment: string } | undefined,
    build: (number: string) => { change: ChangeRequest; details: D; audit: readonly NewAuditEntry[] },
    now: number,
  ): Promise<{ stored: StoredChange<D>; created: boolean }> {
    return this.database.db.transaction().execute(async (trx) => {
      if (this.database.dialect === "postgres")
        await sql`select pg_advisory_xact_lock(hashtext('upshift.changes'))`.execute(trx);
      if (active !== undefined) {
        const existing = await trx
          .selectFrom("changes")
          .select(["body", "details", "updated_at"])
          .where("release", "=", active.release)
          .where("environment", "=", active.environment)
          .where("state", "not in", ["Closed", "Canceled"])
          .orderBy("seq", "desc")
          .executeTakeFirst();
        if (existing !== undefined) return { stored: toStored<D>(existing), created: false };
      }
      const last = await trx
        .selectFrom("changes")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      const built = build(`CHG-${seq}`);
      const c = built.change;
      await trx
        .insertInto("changes")
        .values({
          seq,
          number: c.number,
          type: c.type,
          state: c.state,
          release: c.release,
          environment: c.environment,
          window_start: c.window?.start ?? null,
          window_end: c.window?.end ?? null,
          requested_by: c.requestedBy,
          body: JSON.stringify(c),
          details: JSON.stringify(built.details),
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.audit.appendWithin(trx, built.audit);
      return { stored: { change: c, details: built.details, updatedAt: now }, created: true };
    });
  }

  async get<D = ChangeDetails>(number: string): Promise<StoredChange<D> | undefined> {
    const row = await this.database.db
      .selectFrom("changes")
      .select(["body", "details", "updated_at"])
      .where("number", "=", number)
      .executeTakeFirst();
    return row === undefined ? undefined : toStored<D>(row);
  }

  async list<D = ChangeDetails>(filter: ChangeFilter = {}): Promise<StoredChange<D>[]> {
    let q = this.database.db.selectFrom("changes").select(["body", "details", "updated_at"]);
    if (filter.state !== undefined) q = q.where("state", "=", filter.state);
    if (filter.release !== undefined) q = q.where("release", "=", filter.release);
    if (filter.environment !== undefined) q = q.where("environment", "=", filter.environment);
    if (filter.active === true) q = q.where("state", "not in", ["Closed", "Canceled"]);
    const rows = await q
      .orderBy("seq", "desc")
      .limit(filter.limit ?? 500)
      .execute();
    return rows.map((r) => toStored<D>(r));
  }

  /**
   * Applies `work` to the current change under a lock and writes what it returns, with its audit
   * entries, in one transaction. `work` must not touch the store: it runs while the transaction
   * holds SQLite's only connection.
   */
  async update<D>(
    number: string,
    now: number,
    work: (stored: StoredChange<D>) => ChangeUpdate<D>,
  ): Promise<StoredChange<D>> {
    return this.database.db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom("changes")
        .select(["body", "details", "updated_at"])
        .where("number", "=", number);
      if (this.database.dialect === "postgres") query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (row === undefined) throw new NotFoundError("change.not-found", `change ${number} does not exist`);
      const stored = toStored<D>(row);
      const update = work(stored);
      const c = update.change;
      const details = update.details ?? stored.details;
      await trx
        .updateTable("changes")
        .set({
          state: c.state,
          window_start: c.window?.start ?? null,
          window_end: c.window?.end ?? null,
          body: JSON.stringify(c),
          details: JSON.stringify(details),
          updated_at: now,
        })
        .where("number", "=", number)
        .execute();
      await this.writeApprovals(trx, c, update.expiryOf);
      for (const run of update.linkRuns ?? [])
        await trx
          .insertInto("change_runs")
          .values({ change_number: number, run_id: run.runId, started_by: run.startedBy, linked_at: now })
          .execute();
      for (const h of update.history ?? [])
        await trx
          .insertInto("service_change_history")
          .values({
            service: h.service,
            environment: c.environment,
            change_number: number,
            outcome: h.outcome,
            incidents: JSON.stringify(h.incidents),
            at: now,
          })
          .execute();
      await this.audit.appendWithin(trx, update.audit);
      return { change: c, details, updatedAt: now };
    });
  }

  /** The approvals table mirrors the change's approvals, with expiry and why each ended round ended. */
  private async writeApprovals(
    trx: Trx,
    change: ChangeRequest,
    expiryOf: ((a: ApprovalRecord) => number | null) | undefined,
  ): Promise<void> {
    const existing = await trx
      .selectFrom("change_approvals")
      .select(["round", "identity", "at", "expires_at"])
      .where("change_number", "=", change.number)
      .execute();
    const keep = new Map(existing.map((r) => [`${r.round}/${r.identity}/${Number(r.at)}`, r.expires_at]));
    await trx.deleteFrom("change_approvals").where("change_number", "=", change.number).execute();
    for (const a of change.approvals) {
      const end = change.endedRounds.find((e) => e.round === a.round);
      const known = keep.get(`${a.round}/${a.by}/${a.at}`);
      await trx
        .insertInto("change_approvals")
        .values({
          change_number: change.number,
          round: a.round,
          identity: a.by,
          groups: JSON.stringify(a.groups),
          decision: a.decision,
          comment: a.comment ?? null,
          at: a.at,
          level: a.level,
          expires_at: known !== undefined ? known : (expiryOf?.(a) ?? null),
          ended:
            end === undefined
              ? null
              : end.kind === "invalidated"
                ? `invalidated by edit: ${end.changed.join("; ")}`
                : end.kind === "rejected"
                  ? `rejected by ${end.by}: ${end.comment}`
                  : `${end.kind} by ${end.by}: ${end.reason}`,
        })
        .execute();
    }
  }

  /** The approvals table rows of a change, oldest first. */
  async approvals(number: string) {
    const rows = await this.database.db
      .selectFrom("change_approvals")
      .selectAll()
      .where("change_number", "=", number)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      round: r.round,
      identity: r.identity,
      groups: JSON.parse(r.groups) as string[],
      decision: r.decision as "approved" | "rejected",
      comment: r.comment,
      at: new Date(Number(r.at)).toISOString(),
      level: r.level,
      expiresAt: r.expires_at === null ? null : new Date(Number(r.expires_at)).toISOString(),
      ended: r.ended,
    }));
  }

  /** Runs linked to a change, in the order they were let in. */
  async runs(number: string): Promise<{ runId: string; startedBy: string; linkedAt: number }[]> {
    const rows = await this.database.db
      .selectFrom("change_runs")
      .selectAll()
      .where("change_number", "=", number)
      .orderBy("linked_at")
      .execute();
    return rows.map((r) => ({ runId: r.run_id, startedBy: r.started_by, linkedAt: Number(r.linked_at) }));
  }

  /** Changes in Implement whose linked runs may have ended (the reconciler's work list). */
  async implementing<D = ChangeDetails>(): Promise<StoredChange<D>[]> {
    return this.list<D>({ state: "Implement" });
  }

  /** Past changes of these services (most recent `limit` per call), the change success score's inputs. */
  async history(services: readonly string[], limit = 200): Promise<PastChange[]> {
    if (services.length === 0) return [];
    const rows = await this.database.db
      .selectFrom("service_change_history")
      .select(["service", "outcome", "incidents"])
      .where("service", "in", services)
      .orderBy("at", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      service: r.service,
      outcome: r.outcome as PastChange["outcome"],
      incidents: JSON.parse(r.incidents) as (1 | 2 | 3)[],
    }));
  }

  /** Adds an incident a closed or reviewed change caused to its services' history entries. */
  async recordIncident(
    number: string,
    service: string,
    priority: 1 | 2 | 3,
    entry: NewAuditEntry,
  ): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("service_change_history")
        .select(["id", "incidents"])
        .where("change_number", "=", number)
        .where("service", "=", service)
        .executeTakeFirst();
      if (row === undefined)
        throw new NotFoundError(
          "change.no-history",
          `${number} has no recorded outcome for service ${service}: incidents attach to a change that has been implemented, for a service in its scope`,
        );
      const incidents = [...(JSON.parse(row.incidents) as number[]), priority];
      await trx
        .updateTable("service_change_history")
        .set({ incidents: JSON.stringify(incidents) })
        .where("id", "=", row.id)
        .execute();
      await this.audit.appendWithin(trx, [entry]);
    });
  }
}

function toStored<D>(row: { body: string; details: string; updated_at: number }): StoredChange<D> {
  return {
    change: JSON.parse(row.body) as ChangeRequest,
    details: JSON.parse(row.details) as D,
    updatedAt: Number(row.updated_at),
  };
}
