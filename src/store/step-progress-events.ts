import { sql } from "kysely";
import type { Fence } from "../core/run/step-handler.js";
import type { Database } from "./database.js";

/**
 * Appends a progress event of a running step to its run's event stream (what `upshift run
 * status`, the API and the console show), only while the writer still holds the step's lease:
 * a worker that lost the step cannot add stale progress. Returns false when the lease moved on.
 */
export async function appendStepProgressEvent(
  database: Database,
  fence: Fence,
  event: {
    readonly runId: string;
    readonly stepKey: string;
    readonly at: number;
    readonly type: string;
    readonly data: Record<string, unknown>;
  },
): Promise<boolean> {
  const result = await sql`
    insert into run_events (run_id, at, type, step_key, data)
    select ${event.runId}, ${event.at}, ${event.type}, ${event.stepKey}, ${JSON.stringify(event.data)}
     where exists (select 1 from steps where id = ${fence.stepId} and lease_generation = ${fence.generation} and state = 'running')`.execute(
    database.db,
  );
  return Number(result.numAffectedRows ?? 0) === 1;
}
