import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Role } from "../core/auth/role.js";
import { ConflictError, NotFoundError } from "../core/errors/domain-error.js";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

const PREFIX = "upshift_";

/** sha256 is enough for 256-bit random secrets: there is nothing to brute-force. */
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** API tokens: the secret is shown once at creation; only its hash is stored. */
export class TokenRepository {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditRepository,
  ) {}

  async create(name: string, role: Role, now: Date): Promise<{ token: string; info: TokenInfo }> {
    const active = await this.database.db
      .selectFrom("api_tokens")
      .select("id")
      .where("name", "=", name)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (active !== undefined)
      throw new ConflictError(
        "token.exists",
        `an active token named "${name}" exists; revoke it or choose another name`,
      );
    const token = PREFIX + randomBytes(32).toString("base64url");
    const info: TokenInfo = {
      id: randomUUID(),
      name,
      role,
      createdAt: now.toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("api_tokens")
        .values({
          id: info.id,
          name,
          role,
          hash: hashToken(token),
          created_at: info.createdAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      // Never the secret: only who got which role.
      await this.audit.appendWithin(trx, [
        {
          at: info.createdAt,
          actor: "store",
          action: "token.create",
          subject: `token/${info.id}`,
          data: { name, role },
        },
      ]);
    });
    return { token, info };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.database.db.selectFrom("api_tokens").selectAll().orderBy("created_at").execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role as Role,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  async count(): Promise<number> {
    const row = await this.database.db
      .selectFrom("api_tokens")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Revokes by id or by name. */
  async revoke(idOrName: string, now: Date): Promise<TokenInfo> {
    const all = await this.list();
    const target =
      all.find((t) => t.id === idOrName) ?? all.find((t) => t.name === idOrName && t.revokedAt === null);
    if (target === undefined)
      throw new NotFoundError("token.not-found", `no token with id or name "${idOrName}"`);
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("api_tokens")
        .set({ revoked_at: now.toISOString() })
        .where("id", "=", target.id)
        .execute();
      await this.audit.appendWithin(trx, [
        {
          at: now.toISOString(),
          actor: "store",
          action: "token.revoke",
          subject: `token/${target.id}`,
          data: { name: target.name },
        },
      ]);
    });
    return { ...target, revokedAt: now.toISOString() };
  }

  /** The active token matching `secret`, or undefined. */
  async authenticate(secret: string, now: Date): Promise<TokenInfo | undefined> {
    if (!secret.startsWith(PREFIX)) return undefined;
    const row = await this.database.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("hash", "=", hashToken(secret))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    await this.database.db
      .updateTable("api_tokens")
      .set({ last_used_at: now.toISOString() })
      .where("id", "=", row.id)
      .execute();
    return {
      id: row.id,
      name: row.name,
      role: row.role as Role,
      createdAt: row.created_at,
      revokedAt: null,
      lastUsedAt: now.toISOString(),
    };
  }
}
