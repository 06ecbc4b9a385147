/** Row count and hash of the ordered rows of one key range, computed in the database. */
export interface ChunkChecksum {
  /** 0-based chunk number: chunk i holds keys in [bounds[i-1], bounds[i]) (see `chunkRange`). */
  readonly chunk: number;
  readonly rows: number;
  /** md5 of the chunk's rows in key order; identical content gives the identical hash. */
  readonly hash: string;
}

/** A key range whose content differs between the two sides. */
export interface MismatchedRange {
  readonly chunk: number;
  /** Inclusive lower key; null for the first chunk (everything below the first bound). */
  readonly fromKey: string | null;
  /** Exclusive upper key; null for the last chunk. */
  readonly toKey: string | null;
  readonly expectedRows: number;
  readonly actualRows: number;
  readonly reason: "row-count" | "content";
}

/** Outcome of a reconciliation: every range equal, or the ranges that are not. */
export type ReconciliationResult =
  | { readonly kind: "match"; readonly rows: number; readonly chunks: number }
  | {
      readonly kind: "mismatch";
      readonly expectedRows: number;
      readonly actualRows: number;
      readonly chunks: number;
      readonly mismatches: readonly MismatchedRange[];
    };

/** The key range of chunk `i` given the sorted chunk bounds (PostgreSQL `width_bucket` semantics). */
export function chunkRange(
  bounds: readonly string[],
  chunk: number,
): { readonly fromKey: string | null; readonly toKey: string | null } {
  return { fromKey: chunk === 0 ? null : (bounds[chunk - 1] ?? null), toKey: bounds[chunk] ?? null };
}

/**
 * Compares per-chunk counts and hashes of the expected side (source table, or the backfill's
 * expression) with the actual side. A chunk present on one side only counts as zero rows on the
 * other. This is the chunked comparison of pt-table-checksum and pg_comparator: equal hashes
 * per key range prove equality up to md5 collisions, and a difference is located to a range.
 */
export function compareChunks(
  bounds: readonly string[],
  expected: readonly ChunkChecksum[],
  actual: readonly ChunkChecksum[],
): ReconciliationResult {
  const byChunk = (list: readonly ChunkChecksum[]) => new Map(list.map((c) => [c.chunk, c]));
  const left = byChunk(expected);
  const right = byChunk(actual);
  const chunks = [...new Set([...left.keys(), ...right.keys()])].sort((a, b) => a - b);
  const mismatches: MismatchedRange[] = [];
  for (const chunk of chunks) {
    const e = left.get(chunk);
    const a = right.get(chunk);
    const expectedRows = e?.rows ?? 0;
    const actualRows = a?.rows ?? 0;
    if (expectedRows === actualRows && e?.hash === a?.hash) continue;
    mismatches.push({
      chunk,
      ...chunkRange(bounds, chunk),
      expectedRows,
      actualRows,
      reason: expectedRows === actualRows ? "content" : "row-count",
    });
  }
  const sum = (list: readonly ChunkChecksum[]) => list.reduce((n, c) => n + c.rows, 0);
  if (mismatches.length === 0) return { kind: "match", rows: sum(expected), chunks: chunks.length };
  return {
    kind: "mismatch",
    expectedRows: sum(expected),
    actualRows: sum(actual),
    chunks: chunks.length,
    mismatches,
  };
}

/** A reconciliation result as lines for the CLI. */
export function formatReconciliation(result: ReconciliationResult): string[] {
  switch (result.kind) {
    case "match":
      return [`reconciled: ${result.rows} rows in ${result.chunks} key ranges match`];
    case "mismatch":
      return [
        `MISMATCH: expected ${result.expectedRows} rows, found ${result.actualRows}; ${result.mismatches.length} of ${result.chunks} key ranges differ`,
        ...result.mismatches.map(
          (m) =>
            `  range ${m.fromKey ?? "-inf"} .. ${m.toKey ?? "+inf"}: ${m.reason === "row-count" ? `expected ${m.expectedRows} rows, found ${m.actualRows}` : `${m.actualRows} rows with different content`}`,
        ),
      ];
    default:
      return result satisfies never;
  }
}
