import { randomUUID } from "node:crypto";
import type { ReleasePlan } from "../core/planner/release-plan.js";
import type { Database } from "./database.js";

export interface StoredPlan {
  readonly id: string;
  readonly release: string;
  readonly environment: string | null;
  readonly plan: ReleasePlan;
  /** `Kind/name` → generation of every document the plan was made from. */
  readonly generations: Record<string, number>;
  readonly createdAt: string;
  readonly createdBy: string | null;
}

/** Plans with the document generations they came from, so a change request can tell what moved since. */
export class PlanRepository {
  constructor(private readonly database: Database) {}

  async save(
    plan: ReleasePlan,
    options: {
      environment: string | null;
      generations: Record<string, number>;
      by: string | null;
      now: number;
    },
  ): Promise<StoredPlan> {
    const id = randomUUID();
    await this.database.db
      .insertInto("plans")
      .values({
        id,
        release: plan.release,
        environment: options.environment,
        feasible: plan.feasible ? 1 : 0,
        body: JSON.stringify(plan),
        generations: JSON.stringify(options.generations),
        created_at: options.now,
        created_by: options.by,
      })
      .execute();
    return {
      id,
      release: plan.release,
      environment: options.environment,
      plan,
      generations: options.generations,
      createdAt: new Date(options.now).toISOString(),
      createdBy: options.by,
    };
  }

  async get(id: string): Promise<StoredPlan | undefined> {
    const r = await this.database.db.selectFrom("plans").selectAll().where("id", "=", id).executeTakeFirst();
    if (r === undefined) return undefined;
    return {
      id: r.id,
      release: r.release,
      environment: r.environment,
      plan: JSON.parse(r.body) as ReleasePlan,
      generations: JSON.parse(r.generations) as Record<string, number>,
      createdAt: new Date(Number(r.created_at)).toISOString(),
      createdBy: r.created_by,
    };
  }
}
