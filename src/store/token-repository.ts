import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Role } from "../core/auth/role.js";
import { ConflictError, InputError, NotFoundError } from "../core/errors/domain-error.js";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Who the token acts for in approvals and separation of duties; its name unless set. */
  readonly identity: string;
  /** Approver groups of the identity, which Policy approval rules name. */
  readonly groups: readonly string[];
}

/** Optional approval identity and groups of a new token. */
export interface TokenIdentity {
  readonly identity?: string;
  readonly groups?: readonly string[];
}

const GROUP_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

function parseGroups(text: string | null): string[] {
  if (text === null || text === "") return [];
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? parsed.filter((g): g is string => typeof g === "string") : [];
}

function checkIdentity(identity: TokenIdentity): void {
  if (identity.identity !== undefined && identity.identity.trim() === "")
    throw new InputError("token.identity", "--identity must not be blank");
  for (const group of identity.groups ?? []) {
    if (!GROUP_NAME.test(group))
      throw new InputError(
        "token.group",
        `group "${group}" is not a valid group name: use lowercase letters, digits, "-", "_" or ".", such as "cab" or "app-owners"`,
      );
  }
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

  async create(
    name: string,
    role: Role,
    now: Date,
    who: TokenIdentity = {},
  ): Promise<{ token: string; info: TokenInfo }> {
    checkIdentity(who);
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
      identity: who.identity?.trim() ?? name,
      groups: [...new Set(who.groups ?? [])].sort(),
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
          identity: info.identity,
          groups: JSON.stringify(info.groups),
        })
        .execute();
      // Never the secret: only who got which role.
      await this.audit.appendWithin(trx, [
        {
          at: info.createdAt,
          actor: "store",
          action: "token.create",
          subject: `token/${info.id}`,
          data: { name, role, identity: info.identity, groups: info.groups },
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
      identity: r.identity ?? r.name,
      groups: parseGroups(r.groups),
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
      identity: row.identity ?? row.name,
      groups: parseGroups(row.groups),
    };
  }
}
