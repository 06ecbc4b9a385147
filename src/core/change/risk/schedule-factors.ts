import type { RiskFactor } from "./risk-assessment.js";
import type { Interval } from "./risk-facts.js";
import type { RiskModel } from "./risk-model.js";

const DAY = 86_400_000;

/** Lead time: a window that starts soon leaves little time to review, test and tell people. */
export function leadTimeFactor(
  assessedAt: number,
  window: Interval | undefined,
  emergency: boolean,
  model: RiskModel,
): RiskFactor {
  if (window === undefined) return { name: "lead time", points: 0, fact: "no window set yet" };
  const lead = window.start - assessedAt;
  const said =
    lead >= 0
      ? `window starts ${formatSpan(lead)} after assessment`
      : `window started ${formatSpan(-lead)} before assessment`;
  if (emergency && model.emergencySkipsLeadTime)
    return { name: "lead time", points: 0, fact: `${said}; waived for emergency by policy` };
  const w = model.weights;
  const points = lead < DAY ? w.leadTimeUnder1d : lead < 3 * DAY ? w.leadTimeUnder3d : 0;
  return { name: "lead time", points, fact: said };
}

/**
 * Freeze proximity: changing during a freeze, or just before or after one, when the people who
 * would fix a failure are least available. Points stay even for emergency changes that may skip
 * the freeze rule: the rule is waived, the risk is not.
 */
export function freezeFactor(
  window: Interval | undefined,
  freezes: readonly (Interval & { readonly name: string })[],
  model: RiskModel,
): RiskFactor {
  if (window === undefined || freezes.length === 0)
    return { name: "freeze proximity", points: 0, fact: "no freeze nearby" };
  const gapTo = (f: Interval) => Math.max(0, f.start - window.end, window.start - f.end);
  const nearest = freezes.reduce((a, b) => (gapTo(b) < gapTo(a) ? b : a));
  const gap = gapTo(nearest);
  const w = model.weights;
  if (gap === 0)
    return {
      name: "freeze proximity",
      points: w.freezeOverlap,
      fact: `window overlaps freeze "${nearest.name}"`,
    };
  const points = gap < DAY ? w.freezeWithin1d : gap < 3 * DAY ? w.freezeWithin3d : 0;
  const fact =
    nearest.start >= window.end
      ? `window ends ${formatSpan(gap)} before freeze "${nearest.name}" begins`
      : `window starts ${formatSpan(gap)} after freeze "${nearest.name}" ends`;
  return { name: "freeze proximity", points, fact };
}

/** A non-negative span in the largest whole units that fit: "2d 4h", "3h 5m", "45m". */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}
