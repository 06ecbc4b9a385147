import type { Kysely, Migration } from "kysely";

/**
 * Steps carry the change request their run implements (null for runs outside protected
 * environments), so a worker learns from the claim itself whether a step must be checked against
 * its change before it starts: runs without a change pay no extra query.
 */
export const stepChange = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("steps").addColumn("change_number", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("steps").dropColumn("change_number").execute();
  },
});
