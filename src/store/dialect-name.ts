/** The two databases the store runs on: embedded SQLite and PostgreSQL for teams and replicas. */
export type DialectName = "sqlite" | "postgres";
