import type { ColumnType } from "./sql-ast.js";

/** Types whose length or precision can grow without a rewrite (they have typmod support functions). */
const WIDENABLE = new Set([
  "varchar",
  "varbit",
  "numeric",
  "timestamp",
  "timestamptz",
  "time",
  "timetz",
  "interval",
]);

/**
 * Whether `ALTER COLUMN ... TYPE to` keeps the stored bytes of `from`, so PostgreSQL skips the
 * table rewrite. Follows ATColumnChangeRequiresRewrite in src/backend/commands/tablecmds.c: a
 * binary-coercible cast in pg_cast (varchar → text, cidr → inet) or a typmod change that a
 * support function (varchar_support, numeric_support, timestamp_support, ...) proves harmless.
 * Rebuilding indexes can still be needed for some of these; PostgreSQL skips it when the
 * operator family is unchanged (9.2+).
 */
export function isBinaryCoercible(from: ColumnType, to: ColumnType): boolean {
  if (from.isArray !== to.isArray) return false;
  if (from.name === to.name) return typmodWidens(from, to);
  const pair = `${from.name}>${to.name}`;
  switch (pair) {
    case "varchar>text":
    case "cidr>inet":
      return true;
    case "text>varchar":
      return to.modifiers.length === 0; // an unbounded varchar is text under another name
    default:
      return false;
  }
}

function typmodWidens(from: ColumnType, to: ColumnType): boolean {
  if (!WIDENABLE.has(from.name)) return sameModifiers(from, to);
  if (to.modifiers.length === 0) return true; // dropping the limit never invalidates a value
  if (from.modifiers.length === 0) return false; // adding a limit needs a check of every row
  if (from.name === "numeric") {
    // numeric(p,s) → numeric(q,s) with q >= p; a different scale changes the stored digits.
    const [p = 0, s = 0] = from.modifiers;
    const [q = 0, t = 0] = to.modifiers;
    return q >= p && t === s;
  }
  return (to.modifiers[0] ?? 0) >= (from.modifiers[0] ?? 0);
}

function sameModifiers(from: ColumnType, to: ColumnType): boolean {
  return (
    from.modifiers.length === to.modifiers.length && from.modifiers.every((m, i) => m === to.modifiers[i])
  );
}
