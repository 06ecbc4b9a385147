/** Tiny benchmark runner: warm up, then take the median of several timed runs. */
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
  times.sort((a, b) => a - b);
  return { label, medianMs: times[Math.floor(times.length / 2)] ?? 0, result };
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
  times.sort((a, b) => a - b);
  return { label, medianMs: times[Math.floor(times.length / 2)] ?? 0, result };
}

export function verdict(ok: boolean): string {
  return ok ? "target met" : "TARGET MISSED";
}
