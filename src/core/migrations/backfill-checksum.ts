/**
 * A backfill's running checksum is the sum, modulo 2^64, of a 64-bit hash of every row it
 * wrote (computed in the database, see `rowHashSql`). A sum
 * does not depend on where batches were cut, so a run resumed after a crash with different batch
 * sizes ends with the same checksum as an uninterrupted one, and a batch counted twice shows.
 * (pt-table-checksum combines row CRCs with BIT_XOR for the same reason; a sum also catches a
 * row counted twice, which XOR cancels.)
 */
export const EMPTY_CHECKSUM = "0000000000000000";

const MODULUS = 1n << 64n;

/** Adds a batch's row-hash sum (decimal text from PostgreSQL's numeric `sum`, may be negative) to a checksum. */
export function addToChecksum(checksum: string, batchSum: string): string {
  // Hashes are signed bigints; BigInt's % keeps the sign, so bring the result back into [0, 2^64).
  const total = (((BigInt(`0x${checksum}`) + BigInt(batchSum)) % MODULUS) + MODULUS) % MODULUS;
  return total.toString(16).padStart(16, "0");
}
