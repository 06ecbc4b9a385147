import { createHash } from "node:crypto";
import { InputError } from "../errors/domain-error.js";

/**
 * What a `migrate`-phase backfill does, declared rather than written as one big UPDATE:
 * either a column set from an expression over the row, or an SQL template run per key range.
 */
export type BackfillSpec =
  | {
      readonly kind: "expression";
      /** Stable name; the checkpoint is keyed by it. */
      readonly name: string;
      /** Table, optionally schema-qualified (`sales.orders`). */
      readonly table: string;
      /** Single-column primary key (or any unique, not-null, indexed column) to walk in order. */
      readonly key: string;
      readonly column: string;
      /** SQL expression over the row's columns, e.g. `round(price * 100)::bigint`; must be deterministic. */
      readonly expression: string;
    }
  | {
      readonly kind: "template";
      readonly name: string;
      readonly table: string;
      readonly key: string;
      /**
       * One SQL statement run per batch with `$1` = exclusive lower key (NULL on the first batch)
       * and `$2` = inclusive upper key, e.g.
       * `UPDATE orders SET cents = price * 100 WHERE (id > $1::bigint OR $1 IS NULL) AND id <= $2::bigint`.
       * It must be idempotent: a batch interrupted before its checkpoint is run again.
       */
      readonly sql: string;
    };

/** Checks the parts of a spec that would otherwise fail deep inside generated SQL. */
export function validateBackfillSpec(spec: BackfillSpec): BackfillSpec {
  const problems: string[] = [];
  if (spec.name.trim() === "") problems.push("name is empty");
  if (spec.table.trim() === "") problems.push("table is empty");
  if (spec.key.trim() === "") problems.push("key column is empty");
  switch (spec.kind) {
    case "expression":
      if (spec.column.trim() === "") problems.push("column is empty");
      if (spec.column === spec.key) problems.push("the backfilled column cannot be the key");
      if (spec.expression.trim() === "") problems.push("expression is empty");
      break;
    case "template":
      if (!/\$2\b/.test(spec.sql)) problems.push("template never uses $2 (the batch's upper key)");
      if (!/\$1\b/.test(spec.sql)) problems.push("template never uses $1 (the batch's lower key)");
      break;
    default:
      spec satisfies never;
  }
  if (problems.length > 0)
    throw new InputError("backfill.invalid", `backfill ${spec.name || "?"}: ${problems.join("; ")}`);
  return spec;
}

/**
 * Fingerprint of what the backfill does; a checkpoint saved under another fingerprint must not be
 * resumed (the expression changed, so rows before the checkpoint hold the old result).
 */
export function backfillFingerprint(spec: BackfillSpec): string {
  const parts =
    spec.kind === "expression"
      ? [spec.kind, spec.table, spec.key, spec.column, spec.expression]
      : [spec.kind, spec.table, spec.key, spec.sql];
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}
