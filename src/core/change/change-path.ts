import type { ChangeState, ChangeType } from "./change-state.js";

/**
 * Forward paths by type, as ServiceNow's change models define them (Change Management state model,
 * "Normal", "Standard" and "Emergency" models): standard skips Assess and Authorize because it is
 * pre-approved; emergency skips Assess to be authorized at once.
 */
export const CHANGE_PATHS: Readonly<Record<ChangeType, readonly ChangeState[]>> = {
  normal: ["New", "Assess", "Authorize", "Scheduled", "Implement", "Review", "Closed"],
  standard: ["New", "Scheduled", "Implement", "Review", "Closed"],
  emergency: ["New", "Authorize", "Scheduled", "Implement", "Review", "Closed"],
};

/** The state after `state` on the type's path, or undefined at its end (or off it). */
export function nextOnPath(type: ChangeType, state: ChangeState): ChangeState | undefined {
  const path = CHANGE_PATHS[type];
  const at = path.indexOf(state);
  return at < 0 ? undefined : path[at + 1];
}

/** States from which "revert to New" is allowed: before implementation has begun. */
export const REVERTIBLE_STATES: readonly ChangeState[] = ["Assess", "Authorize", "Scheduled"];

/** States in which the plan, window or scope may still be edited. */
export const EDITABLE_STATES: readonly ChangeState[] = ["New", "Assess", "Authorize", "Scheduled"];
