import type { Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";
import { documentsAndTokens } from "./0001-documents-and-tokens.js";
import { runs } from "./0002-runs.js";
import { audit } from "./0003-audit.js";
import { backfills } from "./0004-backfills.js";
import { plans } from "./0005-plans.js";
import { changes } from "./0006-changes.js";
import { notifications } from "./0007-notifications.js";
import { checklistTicks } from "./0008-checklist-ticks.js";
import { artifacts } from "./0009-artifacts.js";
import { stepChange } from "./0010-step-change.js";

/** Schema migrations in order; names are permanent once released. */
export function allMigrations(dialect: DialectName): Record<string, Migration> {
  return {
    "0001-documents-and-tokens": documentsAndTokens(dialect),
    "0002-runs": runs(dialect),
    "0003-audit": audit(dialect),
    "0004-backfills": backfills(dialect),
    "0005-plans": plans(),
    "0006-changes": changes(dialect),
    "0007-notifications": notifications(dialect),
    "0008-checklist-ticks": checklistTicks(dialect),
    "0009-artifacts": artifacts(),
    "0010-step-change": stepChange(),
  };
}
