import type { BackfillSpec } from "../../src/core/migrations/backfill-spec.js";

/** The backfill the crash test kills and resumes: a derived column over 1,000,000 rows. */
export const CRASH_SPEC = {
  kind: "expression",
  name: "items-total",
  table: "items",
  key: "id",
  column: "total",
  expression: "qty * price + (id % 7)",
} as const satisfies BackfillSpec;
