import { IANAZone } from "luxon";

// Buckets of about a year; each is tabulated on first use from Luxon's own answers.
const BUCKET_MS = 366 * 86_400_000;
// Sampling step: a zone must not change its offset twice within it (none has since 1970).
const SAMPLE_MS = 6 * 3_600_000;

interface OffsetTable {
  readonly starts: readonly number[];
  readonly offsets: readonly number[];
}

/**
 * Luxon's IANA zone with its offset lookups remembered. Luxon asks the host's Intl data for every
 * offset (several times per wall-clock conversion, ~10 µs each); an offset is constant between
 * transitions, so we find each bucket's transitions once — sampling, then bisecting to the second
 * Luxon resolves — and answer from that table. Luxon still does every conversion itself; the
 * expansion property test checks the results against plain `IANAZone` lookups.
 */
class TabulatedZone extends IANAZone {
  private readonly tables = new Map<number, OffsetTable>();

  override offset(ts: number): number {
    if (!this.isValid || !Number.isFinite(ts)) return super.offset(ts);
    const bucket = Math.floor(ts / BUCKET_MS);
    let table = this.tables.get(bucket);
    if (table === undefined) {
      table = this.tabulate(bucket * BUCKET_MS, (bucket + 1) * BUCKET_MS);
      this.tables.set(bucket, table);
    }
    let lo = 0;
    let hi = table.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (table.starts[mid]! <= ts) lo = mid;
      else hi = mid - 1;
    }
    return table.offsets[lo]!;
  }

  private tabulate(from: number, to: number): OffsetTable {
    const starts = [from];
    const offsets = [super.offset(from)];
    for (let t = from + SAMPLE_MS; t < to + SAMPLE_MS; t += SAMPLE_MS) {
      const sample = Math.min(t, to);
      const current = super.offset(sample);
      if (current === offsets[offsets.length - 1]) continue;
      // Luxon reads offsets at whole seconds: bisect, in seconds, to the first one with the new offset.
      let a = Math.floor(Math.max(from, t - SAMPLE_MS) / 1000);
      let b = Math.floor(sample / 1000);
      while (b - a > 1) {
        const m = Math.floor((a + b) / 2);
        if (super.offset(m * 1000) === current) b = m;
        else a = m;
      }
      const start = b * 1000;
      if (start < to) {
        starts.push(start);
        offsets.push(current);
      }
    }
    return { starts, offsets };
  }
}

const zones = new Map<string, TabulatedZone>();

/** The (memoised) Luxon zone for an IANA name; pass it wherever Luxon takes a zone. */
export function tabulatedZone(name: string): IANAZone {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = new TabulatedZone(name);
    zones.set(name, zone);
  }
  return zone;
}
