import { ConflictError, InputError } from "../core/errors/domain-error.js";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";
import type { ArtifactTable } from "./schema.js";
import { serializeWrites } from "./serialize-writes.js";

/** A version of an artifact and the digest it was registered with, which never changes. */
export interface RegisteredArtifact {
  readonly name: string;
  readonly version: string;
  readonly digest: string;
  /** Where the artifact lies (a path or file:// URI), when known. */
  readonly path: string | null;
  readonly registeredAt: string;
  readonly registeredBy: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const toArtifact = (r: ArtifactTable): RegisteredArtifact => ({
  name: r.name,
  version: r.version,
  digest: r.digest,
  path: r.path,
  registeredAt: new Date(Number(r.registered_at)).toISOString(),
  registeredBy: r.registered_by,
});

function checkInput(input: { name: string; version: string; digest: string; path?: string | null }): void {
  const problems: string[] = [];
  if (!NAME.test(input.name))
    problems.push(
      `name "${input.name}" must be a DNS label (lower-case letters, digits, "-"), like a Service name`,
    );
  if (input.version.trim() === "" || input.version.length > 128 || /\s/.test(input.version))
    problems.push(`version "${input.version}" must be 1-128 characters without spaces`);
  if (!DIGEST.test(input.digest))
    problems.push(`digest "${input.digest}" must be "sha256:" followed by 64 lower-case hex digits`);
  if (
    input.path !== undefined &&
    input.path !== null &&
    !input.path.startsWith("/") &&
    !input.path.startsWith("file://")
  )
    problems.push(`path "${input.path}" must be absolute or a file:// URI`);
  if (problems.length > 0)
    throw new InputError("artifact.invalid", problems.join("; "), { details: problems });
}

/**
 * The artifact registry: a version's digest is fixed at its first registration. Registering the
 * same digest again is a no-op; another digest is refused, so a deploy can trust what it verifies.
 */
export class ArtifactRepository {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditRepository,
  ) {}

  /** Registers `name@version` with `digest`; `created` is false when it was already registered so. */
  async register(
    input: { name: string; version: string; digest: string; path?: string | null },
    options: { actor: string; now: Date },
  ): Promise<{ artifact: RegisteredArtifact; created: boolean }> {
    checkInput(input);
    return serializeWrites(this.database, async (trx) => {
      const existing = await trx
        .selectFrom("artifacts")
        .selectAll()
        .where("name", "=", input.name)
        .where("version", "=", input.version)
        .executeTakeFirst();
      if (existing !== undefined) {
        if (existing.digest !== input.digest)
          throw new ConflictError(
            "artifact.digest-immutable",
            `${input.name} ${input.version} is registered with digest ${existing.digest} (by ${existing.registered_by}); a version's digest never changes: publish the new build as a new version`,
            { details: { registered: existing.digest, offered: input.digest } },
          );
        return { artifact: toArtifact(existing), created: false };
      }
      const row: ArtifactTable = {
        name: input.name,
        version: input.version,
        digest: input.digest,
        path: input.path ?? null,
        registered_at: options.now.getTime(),
        registered_by: options.actor,
      };
      await trx.insertInto("artifacts").values(row).execute();
      await this.audit.appendWithin(trx, [
        {
          at: options.now.toISOString(),
          actor: options.actor,
          action: "artifact.register",
          subject: `artifact/${input.name}/${input.version}`,
          data: { digest: input.digest, path: input.path ?? null },
        },
      ]);
      return { artifact: toArtifact(row), created: true };
    });
  }

  async get(name: string, version: string): Promise<RegisteredArtifact | undefined> {
    const r = await this.database.db
      .selectFrom("artifacts")
      .selectAll()
      .where("name", "=", name)
      .where("version", "=", version)
      .executeTakeFirst();
    return r === undefined ? undefined : toArtifact(r);
  }

  /** Every registered version, of one artifact or of all, by name then registration time. */
  async list(name?: string): Promise<RegisteredArtifact[]> {
    let q = this.database.db.selectFrom("artifacts").selectAll();
    if (name !== undefined) q = q.where("name", "=", name);
    const rows = await q.orderBy("name").orderBy("registered_at").orderBy("version").execute();
    return rows.map(toArtifact);
  }
}
