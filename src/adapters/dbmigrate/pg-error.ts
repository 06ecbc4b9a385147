/** PostgreSQL SQLSTATE of an error thrown by node-postgres, if any. */
export function sqlState(error: unknown): string | undefined {
  if (error !== null && typeof error === "object" && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/**
 * Failures worth retrying after a pause: lock_not_available (55P03, lock_timeout expired) and
 * deadlock_detected (40P01). Both leave nothing behind in autocommit (PostgreSQL Appendix A).
 */
export function isLockFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state === "55P03" || state === "40P01";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
