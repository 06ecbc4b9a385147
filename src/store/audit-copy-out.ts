import type pg from "pg";

/** The audit log's columns in the order the COPY scanner reads them. */
const COLUMNS = "seq, prev_hash, action, actor, at, subject, data, hash";

/** COPY of the records after `after` up to `upTo` (both sequence numbers), in order, at most `limit`. */
export function copyAuditRange(after: number, upTo: number, limit?: number): string {
  const bound = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`audit COPY: ${n} is not a sequence number`);
    return n;
  };
  const rows = limit === undefined ? "" : ` limit ${bound(limit)}`;
  return `copy (select ${COLUMNS} from audit_log where seq > ${bound(after)} and seq <= ${bound(upTo)}
    order by seq${rows}) to stdout`;
}

/**
 * Runs a `COPY … TO STDOUT` and hands each row (one CopyData message, newline included) to `onRow`
 * as it arrives: a pg "submittable", so no row is buffered or decoded. Resolves with the number of
 * rows sent. Once `onRow` returns false the rest is ignored (the server still sends it).
 */
export function copyOut(
  client: pg.ClientBase,
  text: string,
  onRow: (row: Buffer) => boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    let listening = true;
    let failed = false;
    const submittable = {
      submit(connection: { query(text: string): void }) {
        connection.query(text);
      },
      handleCopyData(message: { chunk: Buffer }) {
        rows += 1;
        if (listening) listening = onRow(message.chunk);
      },
      handleCopyInResponse(connection: { sendCopyFail(message: string): void }) {
        connection.sendCopyFail("this COPY only reads");
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleCommandComplete() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleError(error: Error) {
        failed = true;
        reject(error);
      },
      handleReadyForQuery() {
        if (!failed) resolve(rows);
      },
    };
    client.query(submittable as unknown as pg.QueryConfig);
  });
}
