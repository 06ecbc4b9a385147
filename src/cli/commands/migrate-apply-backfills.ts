import type pg from "pg";
import type { BackfillProgress } from "../../core/migrations/backfill-progress.js";
import type { DeclaredBackfill } from "../../core/migrations/declared-backfill.js";
import type { MigrationFile } from "../../core/migrations/migration-set.js";

interface ProgressBar {
  update(progress: BackfillProgress, last?: boolean): void;
  done(): void;
}

/**
 * What `migrate apply` does with a backfill a migration file declares: runs it in checkpointed
 * batches (checkpoints in the control-plane store of `--data-dir` / UPSHIFT_DATABASE_URL) with
 * the progress bar, then reconciles it. The checkpoint is keyed by the target database and the
 * file, so `apply` run again after a crash resumes the backfill where it stopped.
 */
export async function declaredBackfillRunner(
  dataDir: string | undefined,
  databaseUrl: string,
  bar: ProgressBar,
) {
  const { runDeclaredBackfill } = await import("../../adapters/dbmigrate/run-declared-backfill.js");
  const { BackfillCheckpointRepository } = await import("../../store/backfill-checkpoint-repository.js");
  const { openDatabase } = await import("../../store/database.js");
  const { storeConfigFromEnv } = await import("../../store/store.js");
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  const target = new URL(databaseUrl);
  const abort = new AbortController();
  const onSigint = () => {
    process.stderr.write("\nstopping after the current batch; run the same command again to resume\n");
    abort.abort();
  };
  return {
    async run(client: pg.ClientBase, file: MigrationFile, backfill: DeclaredBackfill): Promise<void> {
      database ??= await openDatabase(storeConfigFromEnv(dataDir));
      const name = `${target.host}${target.pathname}/${file.fileName}:${backfill.line}`;
      process.stderr.write(
        `  line ${backfill.line}: backfill ${backfill.table}.${backfill.targetColumn} in batches (${name})\n`,
      );
      process.once("SIGINT", onSigint);
      try {
        const result = await runDeclaredBackfill(client, backfill, {
          name,
          store: new BackfillCheckpointRepository(database),
          signal: abort.signal,
          onProgress: (progress, done) => bar.update(progress, done),
        });
        bar.done();
        const r = result.reconciliation;
        process.stderr.write(
          `  line ${backfill.line}: ${result.checkpoint.rowsDone} rows, reconciled: ${r.kind === "match" ? `${r.rows} rows in ${r.chunks} key ranges match` : "MISMATCH"}\n`,
        );
      } finally {
        process.off("SIGINT", onSigint);
      }
    },
    async close(): Promise<void> {
      await database?.close();
    },
  };
}
