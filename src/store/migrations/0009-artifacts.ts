import type { Kysely, Migration } from "kysely";

/** Registered artifacts: a (name, version) has one sha256 digest for good (the primary key). */
export const artifacts = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("artifacts")
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("path", "text")
      .addColumn("registered_at", "bigint", (c) => c.notNull())
      .addColumn("registered_by", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("artifacts_pk", ["name", "version"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("artifacts").execute();
  },
});
