import type { ChangeEffect, ChangeEvent } from "./change-event.js";
import type { ChangeRequest } from "./change-request.js";
import { accepted, type ChangeTransition, moveTo, refused } from "./change-transition.js";

/** Implement → Review with the run's outcome; an emergency change's retrospective opens here. */
export function finishImplementation(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "finish-implementation" }>,
  at: number,
): ChangeTransition {
  if (change.state !== "Implement") {
    const message = `only a change in Implement can finish implementation; ${change.number} is ${change.state}`;
    return refused({ kind: "wrong-state", state: change.state, allowed: ["Implement"], message });
  }
  const reviewed = moveTo(
    { ...change, outcome: event.outcome },
    "Review",
    at,
    event.by,
    `implementation ${event.outcome}`,
  );
  if (change.retrospective.kind !== "pending") return accepted(reviewed);
  const effects: ChangeEffect[] = [{ kind: "retrospective-opened" }];
  return accepted({ ...reviewed, retrospective: { kind: "open", openedAt: at } }, effects);
}

/** Records an emergency change's retrospective; it needs at least one finding that says something. */
export function completeRetrospective(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "complete-retrospective" }>,
  at: number,
): ChangeTransition {
  const retro = change.retrospective;
  if (retro.kind !== "open") {
    const message =
      retro.kind === "completed"
        ? `${change.number}'s retrospective was completed by ${retro.by}`
        : `${change.number} has no open retrospective: one opens when an emergency change's implementation finishes`;
    return refused({ kind: "no-retrospective", message });
  }
  const findings = event.findings.map((f) => f.trim()).filter((f) => f !== "");
  if (findings.length === 0) {
    return refused({
      kind: "findings-required",
      message:
        "a retrospective needs its findings: what happened, why the emergency path was needed, what follows",
    });
  }
  return accepted({
    ...change,
    retrospective: { kind: "completed", openedAt: retro.openedAt, completedAt: at, by: event.by, findings },
  });
}
