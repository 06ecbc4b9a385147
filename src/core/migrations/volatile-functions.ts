/**
 * Built-in functions marked VOLATILE in pg_proc (provolatile = 'v') that appear as column
 * defaults, plus the common extension ones (uuid-ossp, pgcrypto). A default calling one of them
 * is evaluated per row, so ADD COLUMN rewrites the table (PostgreSQL 11 release notes, E.28.3.1:
 * "non-volatile" defaults no longer rewrite). now() and CURRENT_TIMESTAMP are STABLE: no rewrite.
 */
export const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  "random",
  "random_normal",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "setseed",
]);

/** Type names that imply a `nextval()` default (the serial pseudo-types). */
export const SERIAL_TYPES: ReadonlySet<string> = new Set([
  "serial",
  "serial4",
  "bigserial",
  "serial8",
  "smallserial",
  "serial2",
]);
