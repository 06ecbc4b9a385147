import { sql } from "kysely";
import { checklistItemsOfInput, resolveChecklistItem } from "../core/analysis/checklist-items.js";
import {
  type ChecklistStatus,
  type ChecklistTick,
  checklistStatus,
} from "../core/analysis/checklist-status.js";
import type { FiredTrigger } from "../core/analysis/rollback-trigger.js";
import type { JsonValue } from "../core/audit/canonical-json.js";
import { ConflictError, InputError, NotFoundError } from "../core/errors/domain-error.js";
import { isTerminalPhase, type RunPhase } from "../core/run/run-phase.js";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";
import { eventRow, insertEvents, json, type Trx } from "./run-records.js";

export interface ChecklistView {
  readonly runId: string;
  readonly stepKey: string;
  readonly stepState: string;
  readonly items: readonly string[];
  readonly status: ChecklistStatus;
  /** Every tick, oldest first, including ones a later tick replaced. */
  readonly history: readonly ChecklistTick[];
}

/**
 * Verification records on a run: manual checklist ticks (migration 0008) and fired rollback
 * triggers. Each mutation writes its run event and its audit entry in the same transaction.
 */
export class VerificationRepository {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditRepository,
    private readonly onReady: () => void,
  ) {}

  private async step(trx: Trx, runId: string, stepKey: string) {
    const run = await trx
      .selectFrom("runs")
      .select(["id", "phase"])
      .where("id", "=", runId)
      .executeTakeFirst();
    if (run === undefined) throw new NotFoundError("run.not-found", `run ${runId} does not exist`);
    const step = await trx
      .selectFrom("steps")
      .select(["id", "key", "state", "input"])
      .where("run_id", "=", runId)
      .where("key", "=", stepKey)
      .where("direction", "=", "forward")
      .executeTakeFirst();
    if (step === undefined) {
      const keys = await trx.selectFrom("steps").select("key").where("run_id", "=", runId).execute();
      throw new NotFoundError(
        "step.not-found",
        `run ${runId} has no step "${stepKey}"; its steps: ${keys.map((k) => k.key).join(", ")}`,
      );
    }
    return { run, step, items: checklistItemsOfInput(json(step.input)) };
  }

  private async ticksIn(trx: Trx | Database["db"], runId: string, stepKey: string): Promise<ChecklistTick[]> {
    const rows = await trx
      .selectFrom("checklist_ticks")
      .selectAll()
      .where("run_id", "=", runId)
      .where("step_key", "=", stepKey)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      item: r.item,
      result: r.result as "pass" | "fail",
      note: r.note,
      by: r.by,
      at: new Date(Number(r.at)).toISOString(),
    }));
  }

  /** Every tick of a step's checklist, oldest first (what the verify handler reads). */
  async ticks(runId: string, stepKey: string): Promise<ChecklistTick[]> {
    return this.ticksIn(this.database.db, runId, stepKey);
  }

  /** A step's checklist: items, status and history. */
  async show(runId: string, stepKey: string): Promise<ChecklistView> {
    return this.database.db.transaction().execute(async (trx) => {
      const { step, items } = await this.step(trx, runId, stepKey);
      if (items.length === 0) resolveChecklistItem(items, "", `step ${stepKey} of run ${runId}`);
      const history = await this.ticksIn(trx, runId, stepKey);
      return {
        runId,
        stepKey,
        stepState: step.state,
        items,
        status: checklistStatus(items, history),
        history,
      };
    });
  }

  /** Records a person's pass or fail of one item and wakes the waiting step. */
  async tick(
    runId: string,
    input: { stepKey: string; item: string; result: "pass" | "fail"; note?: string; by: string },
    now: number,
  ): Promise<ChecklistView> {
    if (input.result !== "pass" && input.result !== "fail")
      throw new InputError("checklist.bad-result", `a tick is pass or fail, got ${String(input.result)}`);
    if (input.result === "fail" && !input.note?.trim())
      throw new InputError("checklist.note-required", "a failed item needs a note saying what went wrong");
    const view = await this.database.db.transaction().execute(async (trx) => {
      if (this.database.dialect === "postgres")
        await sql`select id from runs where id = ${runId} for update`.execute(trx);
      const { run, step, items } = await this.step(trx, runId, input.stepKey);
      if (isTerminalPhase(run.phase as RunPhase))
        throw new ConflictError("run.finished", `run ${runId} is ${run.phase}; its checklists are closed`);
      const item = resolveChecklistItem(items, input.item, `step ${input.stepKey} of run ${runId}`);
      const note = input.note?.trim() ? input.note.trim() : null;
      await trx
        .insertInto("checklist_ticks")
        .values({
          run_id: runId,
          step_key: input.stepKey,
          item,
          result: input.result,
          note,
          by: input.by,
          at: now,
        })
        .execute();
      await insertEvents(trx, [
        eventRow(runId, now, "checklist.tick", input.stepKey, {
          item,
          result: input.result,
          note,
          by: input.by,
        }),
      ]);
      await this.audit.appendWithin(trx, [
        {
          at: new Date(now).toISOString(),
          actor: input.by,
          action: "run.checklist-tick",
          subject: `run/${runId}`,
          data: { step: input.stepKey, item, result: input.result, note },
        },
      ]);
      // The verify handler reads the ticks when it next reconciles: wake it now.
      if (step.state === "waiting")
        await trx.updateTable("steps").set({ wake_at: now, due_at: now }).where("id", "=", step.id).execute();
      if (this.database.dialect === "postgres") await sql`select pg_notify('upshift_steps', '')`.execute(trx);
      const history = await this.ticksIn(trx, runId, input.stepKey);
      return {
        runId,
        stepKey: input.stepKey,
        stepState: step.state,
        items,
        status: checklistStatus(items, history),
        history,
      };
    });
    this.onReady();
    return view;
  }

  /** Records a fired rollback trigger and its evidence on the run (event and audit entry). */
  async recordTrigger(
    runId: string,
    stepKey: string | null,
    fired: FiredTrigger,
    now: number,
  ): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      await insertEvents(trx, [
        eventRow(runId, now, `trigger.${fired.action === "pause" ? "pause" : "rollback"}`, stepKey, {
          trigger: fired.trigger,
          action: fired.action,
          reason: fired.reason,
          evidence: fired.evidence,
        }),
      ]);
      await this.audit.appendWithin(trx, [
        {
          at: new Date(now).toISOString(),
          actor: `trigger/${fired.trigger}`,
          action: "run.rollback-trigger",
          subject: `run/${runId}`,
          data: JSON.parse(
            JSON.stringify({
              step: stepKey,
              action: fired.action,
              reason: fired.reason,
              evidence: fired.evidence,
            }),
          ) as JsonValue,
        },
      ]);
    });
  }
}
