/**
 * Worker thread of the PostgreSQL audit fast path (audit-pg-scan.ts): verifies the second half of
 * the log on a connection of its own, in the snapshot the first half exported, and posts where its
 * scanner stands. It only vouches: it stops at the first record it cannot vouch for alone.
 */
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { copyAuditRange, copyOut } from "./audit-copy-out.js";
import { CopyChainScanner } from "./audit-copy-scanner.js";

/** What the worker is given. */
export interface HalfTask {
  readonly connection: pg.ClientConfig;
  readonly snapshot: string;
  readonly after: number;
  readonly upTo: number;
  readonly anchorSeq: number;
}

const task = workerData as HalfTask;
const client = new pg.Client(task.connection);
await client.connect();
try {
  await client.query("begin isolation level repeatable read read only");
  await client.query(`set transaction snapshot '${task.snapshot.replaceAll("'", "''")}'`);
  const scanner = new CopyChainScanner({ seq: task.after, hash: undefined }, task.anchorSeq);
  await copyOut(client, copyAuditRange(task.after, task.upTo), (row) => scanner.row(row));
  await client.query("commit");
  parentPort?.postMessage(scanner.state());
} finally {
  await client.end();
}
