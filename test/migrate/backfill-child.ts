/**
 * The backfill process of the crash test: runs (or resumes) one backfill and prints each
 * committed checkpoint, so that the parent can SIGKILL it at a chosen point.
 * Usage: node --import tsx backfill-child.ts <database-url> <schema> <store-data-dir>
 */
import pg from "pg";
import { runBackfill } from "../../src/adapters/dbmigrate/run-backfill.js";
import { BackfillCheckpointRepository } from "../../src/store/backfill-checkpoint-repository.js";
import { openDatabase } from "../../src/store/database.js";
import { CRASH_SPEC } from "./crash-spec.js";

const [url, schema, dataDir] = process.argv.slice(2);
if (url === undefined || schema === undefined || dataDir === undefined) {
  process.stderr.write("usage: backfill-child <database-url> <schema> <store-data-dir>\n");
  process.exit(2);
}
const database = await openDatabase({ dataDir });
const store = new BackfillCheckpointRepository(database);
const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
await client.connect();
const before = await store.load(CRASH_SPEC.name);
process.stdout.write(`start ${before?.lastKey ?? "-"} ${before?.rowsDone ?? 0}\n`);
const outcome = await runBackfill(client, CRASH_SPEC, {
  store,
  onEvent: (event) => {
    if (event.kind === "batch")
      process.stdout.write(`batch ${event.progress.lastKey} ${event.progress.rowsDone}\n`);
  },
});
process.stdout.write(`${outcome.kind} ${outcome.checkpoint.rowsDone}\n`);
await client.end();
await database.close();
