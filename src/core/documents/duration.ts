/**
 * Durations in documents: Go/Argo style (`30s`, `5m`, `1h30m`, `2d`, `500ms`) or ISO 8601
 * (`PT15M`, `P1DT2H`). Both are common in the tools our users come from.
 */
const SHORT = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w))+$/;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds in a duration string, or undefined when it is not a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const s = text.trim();
  if (SHORT.test(s)) {
    let total = 0;
    for (const m of s.matchAll(SHORT_PART)) total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? "s"] ?? 0);
    return total;
  }
  const iso = ISO.exec(s);
  if (iso !== null && s !== "P" && !s.endsWith("T")) {
    const [, w, d, h, m, sec] = iso;
    return (
      Number(w ?? 0) * 604_800 +
      Number(d ?? 0) * 86_400 +
      Number(h ?? 0) * 3600 +
      Number(m ?? 0) * 60 +
      Number(sec ?? 0)
    );
  }
  return undefined;
}

/** Like parseDurationSeconds, but for values already validated by the schema. */
export function durationSeconds(text: string): number {
  const s = parseDurationSeconds(text);
  if (s === undefined) throw new Error(`not a duration: ${text}`);
  return s;
}

export const DURATION_HINT = 'a duration such as "30s", "5m", "1h30m", "2d" or ISO 8601 "PT15M"';
