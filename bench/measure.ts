/** Tiny benchmark runner: warm up, then take the median of several timed runs. */

/** The middle value (of an even count, the upper of the two middle ones). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function measure<T>(
  label: string,
  runs: number,
  work: () => T,
): { label: string; medianMs: number; result: T } {
  let result = work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = work();
    times.push(performance.now() - start);
  }
  return { label, medianMs: median(times), result };
}

export async function measureAsync<T>(
  label: string,
  runs: number,
  work: () => Promise<T>,
): Promise<{ label: string; medianMs: number; result: T }> {
  let result = await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await work();
    times.push(performance.now() - start);
  }
  return { label, medianMs: median(times), result };
}

export function verdict(ok: boolean): string {
  return ok ? "target met" : "TARGET MISSED";
}
