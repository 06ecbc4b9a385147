import { createHash } from "node:crypto";

/**
 * The text whose hash identifies a migration: without a byte-order mark, with LF line endings,
 * without trailing spaces on lines or blank lines at the end. Checkouts on Windows
 * (core.autocrlf) and editors that trim whitespace then do not count as drift, while any change
 * to a statement does (Flyway likewise ignores line endings in its checksums).
 */
export function normalizeMigrationText(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n+$/, "");
}

/** sha256 (hex) of the normalized text; what the applied history stores to detect drift. */
export function migrationChecksum(text: string): string {
  return createHash("sha256").update(normalizeMigrationText(text), "utf8").digest("hex");
}
