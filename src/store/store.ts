import { type Database, openDatabase, type StoreConfig } from "./database.js";
import { DocumentRepository } from "./document-repository.js";
import { TokenRepository } from "./token-repository.js";

/** Everything the server and CLI need from persistence, opened together. */
export interface Store {
  readonly database: Database;
  readonly documents: DocumentRepository;
  readonly tokens: TokenRepository;
  close(): Promise<void>;
}

/** Opens the configured database, migrates it, and wires the repositories. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const database = await openDatabase(config);
  return {
    database,
    documents: new DocumentRepository(database),
    tokens: new TokenRepository(database),
    close: () => database.close(),
  };
}

/** Store settings from the environment and flags: UPSHIFT_DATABASE_URL wins over the data dir. */
export function storeConfigFromEnv(dataDir?: string): StoreConfig {
  const url = process.env.UPSHIFT_DATABASE_URL;
  return url ? { databaseUrl: url } : { dataDir: dataDir ?? process.env.UPSHIFT_DATA_DIR ?? ".upshift" };
}
