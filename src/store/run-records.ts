import { sql, type Transaction } from "kysely";
import type { StepView } from "../core/run/run-graph.js";
import type { RunPhase } from "../core/run/run-phase.js";
import type { StepState } from "../core/run/step-state.js";
import type { Schema, StepTable } from "./schema.js";

export type Trx = Transaction<Schema>;

export interface RunRecord {
  readonly id: string;
  readonly release: string;
  readonly environment: string;
  readonly phase: RunPhase;
  readonly message: string;
  readonly conditions: unknown;
  readonly startedBy: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

export interface StepRecord {
  readonly id: string;
  readonly key: string;
  readonly kind: string;
  readonly service: string | null;
  readonly wave: number;
  readonly direction: "forward" | "rollback";
  readonly state: StepState;
  readonly attempt: number;
  readonly message: string | null;
  readonly output: Record<string, unknown>;
  readonly leaseOwner: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

export interface RunEvent {
  readonly id: number;
  readonly runId: string;
  readonly at: number;
  readonly type: string;
  readonly stepKey: string | null;
  readonly data: Record<string, unknown>;
}

export const json = (s: string) => JSON.parse(s) as Record<string, unknown>;

export function toView(r: StepTable): StepView {
  return {
    key: r.key,
    kind: r.kind,
    wave: r.wave,
    dependsOn: JSON.parse(r.depends_on) as string[],
    state: r.state as StepState,
    direction: r.direction as "forward" | "rollback",
    service: r.service,
    input: json(r.input),
  };
}

export interface EventRow {
  run_id: string;
  at: number;
  type: string;
  step_key: string | null;
  data: string;
}

export function eventRow(
  runId: string,
  at: number,
  type: string,
  stepKey: string | null,
  data: Record<string, unknown> = {},
): EventRow {
  return { run_id: runId, at, type, step_key: stepKey, data: JSON.stringify(data) };
}

/** One multi-row insert for all events of a transaction. */
export async function insertEvents(trx: Trx, events: readonly EventRow[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => sql`(${e.run_id}, ${e.at}, ${e.type}, ${e.step_key}, ${e.data})`);
  await sql`insert into run_events (run_id, at, type, step_key, data) values ${sql.join(rows)}`.execute(trx);
}

export function toRun(r: Schema["runs"]): RunRecord {
  return {
    id: r.id,
    release: r.release,
    environment: r.environment,
    phase: r.phase as RunPhase,
    message: r.message,
    conditions: JSON.parse(r.conditions),
    startedBy: r.started_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

export function toStepRecord(r: StepTable): StepRecord {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind,
    service: r.service,
    wave: r.wave,
    direction: r.direction as "forward" | "rollback",
    state: r.state as StepState,
    attempt: Number(r.attempt),
    message: r.message,
    output: json(r.output),
    leaseOwner: r.lease_owner,
    startedAt: r.started_at === null ? null : Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}
