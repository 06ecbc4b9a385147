/**
 * Half-open instant ranges `[start, end)` in epoch milliseconds. Every calendar computation
 * works on instants; wall-clock time exists only at the edges (expansion, display, export).
 */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** True when the two half-open ranges share at least one instant. */
export function rangesOverlap(a: TimeRange, b: TimeRange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The shared part of two ranges, or undefined when they do not overlap. */
export function intersectRange(a: TimeRange, b: TimeRange): TimeRange | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start < end ? { start, end } : undefined;
}

/** Sorted, disjoint union of the ranges; touching ranges are joined. */
export function mergeRanges(ranges: readonly TimeRange[]): readonly TimeRange[] {
  const sorted = ranges.filter((r) => r.start < r.end).sort((a, b) => a.start - b.start);
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.start <= last.end) {
      if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
    } else {
      out.push(r);
    }
  }
  return out;
}

/** The parts of `within` not covered by any of `ranges`. */
export function complementRanges(ranges: readonly TimeRange[], within: TimeRange): readonly TimeRange[] {
  const out: TimeRange[] = [];
  let cursor = within.start;
  for (const r of mergeRanges(ranges)) {
    if (r.end <= cursor) continue;
    if (r.start >= within.end) break;
    if (r.start > cursor) out.push({ start: cursor, end: r.start });
    cursor = Math.max(cursor, r.end);
  }
  if (cursor < within.end) out.push({ start: cursor, end: within.end });
  return out;
}

/** Intersection of two range sets (each merged first). */
export function intersectRangeSets(a: readonly TimeRange[], b: readonly TimeRange[]): readonly TimeRange[] {
  const left = mergeRanges(a);
  const right = mergeRanges(b);
  const out: TimeRange[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const l = left[i]!;
    const r = right[j]!;
    const shared = intersectRange(l, r);
    if (shared !== undefined) out.push(shared);
    if (l.end < r.end) i++;
    else j++;
  }
  return out;
}

/** Each range cut to `within`; those outside it dropped (order kept, nothing merged). */
export function clipRanges(ranges: readonly TimeRange[], within: TimeRange): readonly TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of ranges) {
    const part = intersectRange(r, within);
    if (part !== undefined) out.push(part);
  }
  return out;
}

/** Total milliseconds covered by the (merged) ranges. */
export function coveredMillis(ranges: readonly TimeRange[]): number {
  return mergeRanges(ranges).reduce((sum, r) => sum + (r.end - r.start), 0);
}

/** ISO 8601 UTC text of an instant, as reports and JSON carry it. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
