import type { ChangeRequest } from "./change-request.js";

/** Whether a step of a run that implements a change may start now. */
export type StepClearance =
  | { readonly kind: "go" }
  /** The step does not start; the engine looks again at `until` (epoch ms). */
  | { readonly kind: "hold"; readonly until: number; readonly reason: string }
  /** The change will never let the step start: the step fails with the reason. */
  | { readonly kind: "stop"; readonly reason: string };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The gate every forward step of a protected environment's run passes before it starts (and
 * each time a waiting step is woken): its change must be in Implement and now inside its window.
 * Outside the window, or before the change reaches Implement, the step is held and looked at
 * again `recheckMs` later (or when the window opens, if sooner): an approved change may still get
 * there. A canceled change, or one whose implementation is over (Review, Closed), stops the step
 * for good; the run fails with the reason, and a person rolls it back or aborts it.
 */
export function stepClearance(
  number: string,
  change: Pick<ChangeRequest, "state" | "window" | "history"> | undefined,
  now: number,
  recheckMs: number,
): StepClearance {
  const later = now + recheckMs;
  if (change === undefined)
    return { kind: "stop", reason: `${number}, the change this run implements, does not exist` };
  if (change.state === "Canceled") {
    const last = change.history.findLast((h) => h.to === "Canceled");
    const why = last === undefined ? "" : ` by ${last.by} (${last.note.replace(/^canceled: /, "")})`;
    return {
      kind: "stop",
      reason: `${number} was canceled${why}; no step of its run may start: abort the run to roll back what it changed`,
    };
  }
  if (change.state === "Review" || change.state === "Closed")
    return {
      kind: "stop",
      reason: `${number} is in ${change.state}: its implementation is over, so no step of its run may start`,
    };
  const window = change.window;
  if (change.state !== "Implement") {
    const opens =
      window !== undefined && window.start > now
        ? `; its window opens at ${iso(window.start)}`
        : window === undefined
          ? "; it has no window"
          : "";
    return {
      kind: "hold",
      until: window !== undefined && window.start > now ? Math.min(later, window.start) : later,
      reason: `held: ${number} is ${change.state}, not Implement${opens}`,
    };
  }
  if (window === undefined) return { kind: "go" };
  if (now < window.start)
    return {
      kind: "hold",
      until: Math.min(later, window.start),
      reason: `held: ${number}'s window opens at ${iso(window.start)}`,
    };
  if (now >= window.end)
    return {
      kind: "hold",
      until: later,
      reason: `held: ${number}'s window closed at ${iso(window.end)}; no step starts outside it: abort to roll back, or finish in a new change`,
    };
  return { kind: "go" };
}
