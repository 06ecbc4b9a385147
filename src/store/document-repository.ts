import { canonicalJson } from "../core/documents/canonical-json.js";
import { documentHash } from "../core/documents/document-hash.js";
import type { DocumentKind, UpshiftDocument } from "../core/documents/document-kinds.js";
import { formatProblem } from "../core/documents/problem.js";
import { referrersOf } from "../core/documents/references.js";
import { type ValidationResult, validateSources } from "../core/documents/validate-documents.js";
import type { SourceFile } from "../core/documents/yaml-source.js";
import { ConflictError, InputError, NotFoundError } from "../core/errors/domain-error.js";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";
import { serializeWrites } from "./serialize-writes.js";

export interface StoredDocument {
  readonly doc: UpshiftDocument;
  readonly generation: number;
  readonly hash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
}

export interface ApplyOutcome {
  readonly kind: DocumentKind;
  readonly name: string;
  readonly generation: number;
  readonly hash: string;
  /** `unchanged` when an identical document was already stored (a no-op). */
  readonly action: "created" | "configured" | "unchanged";
}

export interface HistoryEntry {
  readonly generation: number;
  readonly operation: "apply" | "delete";
  readonly hash: string;
  readonly at: string;
  readonly actor: string | null;
  readonly doc: UpshiftDocument | null;
}

type Row = {
  kind: string;
  name: string;
  generation: number;
  hash: string;
  body: string;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
};

const toStored = (r: Row): StoredDocument => ({
  doc: JSON.parse(r.body) as UpshiftDocument,
  generation: r.generation,
  hash: r.hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** Documents with generations, content hashes and history, on SQLite or PostgreSQL. */
export class DocumentRepository {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditRepository,
  ) {}

  /** Every stored document of `kind` (or of all kinds), ordered by kind and name. */
  async list(kind?: DocumentKind): Promise<StoredDocument[]> {
    let q = this.database.db.selectFrom("documents").selectAll();
    if (kind !== undefined) q = q.where("kind", "=", kind);
    const rows = await q.orderBy("kind").orderBy("name").execute();
    return rows.map(toStored);
  }

  async get(kind: DocumentKind, name: string): Promise<StoredDocument | undefined> {
    const row = await this.database.db
      .selectFrom("documents")
      .selectAll()
      .where("kind", "=", kind)
      .where("name", "=", name)
      .executeTakeFirst();
    return row === undefined ? undefined : toStored(row);
  }

  async history(kind: DocumentKind, name: string): Promise<HistoryEntry[]> {
    const rows = await this.database.db
      .selectFrom("document_history")
      .selectAll()
      .where("kind", "=", kind)
      .where("name", "=", name)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      generation: r.generation,
      operation: r.operation,
      hash: r.hash,
      at: r.at,
      actor: r.actor,
      doc: r.body === null ? null : (JSON.parse(r.body) as UpshiftDocument),
    }));
  }

  /**
   * Validates `files` against everything stored and applies all of them in one transaction, or
   * nothing at all: any problem anywhere raises an InputError carrying the full problem list.
   */
  async apply(
    files: readonly SourceFile[],
    options: { actor: string | null; now: Date; dryRun?: boolean },
  ): Promise<{ outcomes: ApplyOutcome[]; validation: ValidationResult }> {
    return serializeWrites(this.database, async (trx) => {
      const stored = (await trx.selectFrom("documents").selectAll().execute()).map(toStored);
      const validation = validateSources(
        files,
        stored.map((s) => s.doc),
      );
      if (validation.problems.length > 0) {
        throw new InputError("documents.invalid", summarize(validation), { details: validation.problems });
      }
      const byKey = new Map(stored.map((s) => [`${s.doc.kind}/${s.doc.metadata.name}`, s]));
      const at = options.now.toISOString();
      const outcomes: ApplyOutcome[] = [];
      for (const { doc } of validation.documents) {
        const hash = documentHash(doc);
        const existing = byKey.get(`${doc.kind}/${doc.metadata.name}`);
        if (existing !== undefined && existing.hash === hash) {
          outcomes.push({
            kind: doc.kind,
            name: doc.metadata.name,
            generation: existing.generation,
            hash,
            action: "unchanged",
          });
          continue;
        }
        const generation =
          (existing?.generation ?? (await lastGeneration(trx, doc.kind, doc.metadata.name))) + 1;
        outcomes.push({
          kind: doc.kind,
          name: doc.metadata.name,
          generation,
          hash,
          action: existing ? "configured" : "created",
        });
        if (options.dryRun) continue;
        const body = canonicalJson(doc);
        if (existing === undefined) {
          await trx
            .insertInto("documents")
            .values({
              kind: doc.kind,
              name: doc.metadata.name,
              generation,
              hash,
              body,
              created_at: at,
              updated_at: at,
              updated_by: options.actor,
            })
            .execute();
        } else {
          await trx
            .updateTable("documents")
            .set({ generation, hash, body, updated_at: at, updated_by: options.actor })
            .where("kind", "=", doc.kind)
            .where("name", "=", doc.metadata.name)
            .execute();
        }
        await trx
          .insertInto("document_history")
          .values({
            kind: doc.kind,
            name: doc.metadata.name,
            generation,
            operation: "apply",
            hash,
            body,
            at,
            actor: options.actor,
          })
          .execute();
      }
      if (!options.dryRun) {
        const changed = outcomes.filter((o) => o.action !== "unchanged");
        await this.audit.appendWithin(
          trx,
          changed.map((o) => ({
            at,
            actor: options.actor ?? "anonymous",
            action: "document.apply",
            subject: `${o.kind}/${o.name}`,
            data: { generation: o.generation, hash: o.hash, action: o.action },
          })),
        );
      }
      return { outcomes, validation };
    });
  }

  /** Deletes a document, refused while another document refers to it. History keeps it. */
  async delete(
    kind: DocumentKind,
    name: string,
    options: { actor: string | null; now: Date },
  ): Promise<void> {
    await serializeWrites(this.database, async (trx) => {
      const stored = (await trx.selectFrom("documents").selectAll().execute()).map(toStored);
      const target = stored.find((s) => s.doc.kind === kind && s.doc.metadata.name === name);
      if (target === undefined)
        throw new NotFoundError("document.not-found", `${kind} "${name}" does not exist`);
      const referrers = referrersOf(
        { kind, name },
        stored.map((s) => s.doc),
      );
      if (referrers.length > 0) {
        const list = referrers.map((r) => `${r.kind} "${r.name}" (${r.path}) ${r.reason}`).join("; ");
        throw new ConflictError(
          "document.referenced",
          `${kind} "${name}" is still referenced: ${list}. Remove those references first.`,
          {
            details: referrers,
          },
        );
      }
      await trx.deleteFrom("documents").where("kind", "=", kind).where("name", "=", name).execute();
      await this.audit.appendWithin(trx, [
        {
          at: options.now.toISOString(),
          actor: options.actor ?? "anonymous",
          action: "document.delete",
          subject: `${kind}/${name}`,
          data: { generation: target.generation + 1, hash: target.hash },
        },
      ]);
      await trx
        .insertInto("document_history")
        .values({
          kind,
          name,
          generation: target.generation + 1,
          operation: "delete",
          hash: target.hash,
          body: null,
          at: options.now.toISOString(),
          actor: options.actor,
        })
        .execute();
    });
  }
}

async function lastGeneration(
  trx: Parameters<Parameters<typeof serializeWrites>[1]>[0],
  kind: string,
  name: string,
): Promise<number> {
  const row = await trx
    .selectFrom("document_history")
    .select((eb) => eb.fn.max("generation").as("g"))
    .where("kind", "=", kind)
    .where("name", "=", name)
    .executeTakeFirst();
  return Number(row?.g ?? 0);
}

function summarize(validation: ValidationResult): string {
  const n = validation.problems.length;
  const first = validation.problems.slice(0, 3).map(formatProblem).join("\n");
  return `${n} problem${n === 1 ? "" : "s"} in the documents; nothing was applied.\n${first}${n > 3 ? "\n…" : ""}`;
}
