import type { WakeUpPort } from "../core/run/run-store-port.js";
import { ArtifactRepository } from "./artifact-repository.js";
import { AuditRepository } from "./audit-repository.js";
import { ChangeRepository } from "./change-repository.js";
import { type Database, openDatabase, type StoreConfig } from "./database.js";
import { DocumentRepository } from "./document-repository.js";
import { NotificationRepository } from "./notification-repository.js";
import { PlanRepository } from "./plan-repository.js";
import { RunRepository } from "./run-repository.js";
import { TokenRepository } from "./token-repository.js";
import { VerificationRepository } from "./verification-repository.js";
import { LocalWakeUps, PgWakeUps } from "./wake-ups.js";

/** Everything the server and CLI need from persistence, opened together. */
export interface Store {
  readonly database: Database;
  readonly documents: DocumentRepository;
  readonly tokens: TokenRepository;
  readonly runs: RunRepository;
  readonly plans: PlanRepository;
  readonly audit: AuditRepository;
  /** Manual checklist ticks and fired rollback triggers. */
  readonly verification: VerificationRepository;
  readonly artifacts: ArtifactRepository;
  readonly changes: ChangeRepository;
  /** The notification outbox and the archive of what each change communicated. */
  readonly notifications: NotificationRepository;
  /** Wake-ups for engine workers when steps become ready. */
  readonly wakeUps: WakeUpPort;
  close(): Promise<void>;
}

/** Opens the configured database, migrates it, and wires the repositories. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const database = await openDatabase(config);
  // Every mutation appends to the audit log in its own transaction (see AuditRepository.appendWithin).
  const audit = new AuditRepository(database);
  let wakeUps: LocalWakeUps | PgWakeUps;
  if (database.dialect === "postgres" && config.databaseUrl) {
    const pgWakeUps = new PgWakeUps(config.databaseUrl, config.pgSchema);
    await pgWakeUps.start();
    wakeUps = pgWakeUps;
  } else wakeUps = new LocalWakeUps();
  return {
    database,
    documents: new DocumentRepository(database, audit),
    tokens: new TokenRepository(database, audit),
    runs: new RunRepository(database, () => wakeUps.notify(), audit),
    plans: new PlanRepository(database),
    audit,
    verification: new VerificationRepository(database, audit, () => wakeUps.notify()),
    artifacts: new ArtifactRepository(database, audit),
    changes: new ChangeRepository(database, audit),
    notifications: new NotificationRepository(database, audit),
    wakeUps,
    close: async () => {
      await wakeUps.close();
      await database.close();
    },
  };
}

/** Store settings from the environment and flags: UPSHIFT_DATABASE_URL wins over the data dir. */
export function storeConfigFromEnv(dataDir?: string): StoreConfig {
  const url = process.env.UPSHIFT_DATABASE_URL;
  return url ? { databaseUrl: url } : { dataDir: dataDir ?? process.env.UPSHIFT_DATA_DIR ?? ".upshift" };
}
