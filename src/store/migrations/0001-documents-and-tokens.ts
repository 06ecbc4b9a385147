import type { Kysely, Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";

/** Documents with generations and history, and API tokens. */
export const documentsAndTokens = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("documents")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("generation", "integer", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("updated_by", "text")
      .addPrimaryKeyConstraint("documents_pk", ["kind", "name"])
      .execute();
    await db.schema
      .createTable("document_history")
      .addColumn("id", dialect === "sqlite" ? "integer" : "bigint", (c) =>
        dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("generation", "integer", (c) => c.notNull())
      .addColumn("operation", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("body", "text")
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text")
      .execute();
    await db.schema
      .createIndex("document_history_kind_name")
      .on("document_history")
      .columns(["kind", "name", "generation"])
      .execute();
    await db.schema
      .createTable("api_tokens")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .addColumn("last_used_at", "text")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("api_tokens").execute();
    await db.schema.dropTable("document_history").execute();
    await db.schema.dropTable("documents").execute();
  },
});
