import { evaluateApprovals } from "./approval/evaluate-approvals.js";
import { nextOnPath } from "./change-path.js";
import type { ChangeRequest } from "./change-request.js";
import type { ChangeState } from "./change-state.js";
import { accepted, type ChangeContext, type ChangeTransition, moveTo, refused } from "./change-transition.js";

/**
 * Moves a change one step forward on its type's path, if the step's guard holds: Authorize needs a
 * risk band and a window, Scheduled needs authorization (unless standard), Implement needs the
 * window to be open and approvals still valid, Closed needs an emergency's retrospective done.
 */
export function advanceChange(
  change: ChangeRequest,
  to: ChangeState,
  by: string,
  ctx: ChangeContext,
): ChangeTransition {
  const next = nextOnPath(change.type, change.state);
  if (to === "Review" && change.state === "Implement") {
    return refused({
      kind: "use-finish-implementation",
      message: "a change enters Review when its implementation finishes, with its outcome",
    });
  }
  if (to !== next) {
    const where = next === undefined ? "cannot move forward" : `goes from ${change.state} to ${next}`;
    const message = `a ${change.type} change ${where}, not to ${to}; it can also revert to New (before Implement) or be canceled`;
    return refused({ kind: "not-on-path", from: change.state, to, next, message });
  }
  const blocked = guard(change, to, ctx);
  return blocked ?? accepted(moveTo(change, to, ctx.at, by, `advanced to ${to}`));
}

function guard(change: ChangeRequest, to: ChangeState, ctx: ChangeContext): ChangeTransition | undefined {
  switch (to) {
    case "Authorize":
      if (change.riskBand === undefined) {
        return refused({
          kind: "risk-not-assessed",
          message: `assess ${change.number}'s risk before asking for authorization: approval rules match on its risk band`,
        });
      }
      return requireWindow(change, "asking for authorization");
    case "Scheduled":
      return requireWindow(change, "scheduling") ?? requireAuthorized(change, ctx, "scheduling");
    case "Implement": {
      const noWindow = requireWindow(change, "implementing");
      if (noWindow !== undefined || change.window === undefined) return noWindow;
      const { start, end } = change.window;
      if (ctx.at < start || ctx.at >= end) {
        const when = `${new Date(start).toISOString()}–${new Date(end).toISOString()}`;
        const message = `${change.number} may be implemented only inside its window ${when}; it is now ${new Date(ctx.at).toISOString()}`;
        return refused({ kind: "outside-window", message });
      }
      return requireAuthorized(change, ctx, "implementing");
    }
    case "Closed":
      if (change.retrospective.kind === "pending" || change.retrospective.kind === "open") {
        return refused({
          kind: "retrospective-open",
          message: `${change.number} is an emergency change: complete its retrospective review, with findings, before closing it`,
        });
      }
      return undefined;
    case "New":
    case "Assess":
    case "Review":
    case "Canceled":
      return undefined;
    default: {
      const unknown: never = to;
      throw new Error(`unhandled state ${String(unknown)}`);
    }
  }
}

function requireWindow(change: ChangeRequest, doing: string): ChangeTransition | undefined {
  if (change.window !== undefined) return undefined;
  return refused({
    kind: "window-required",
    message: `set ${change.number}'s implementation window before ${doing}`,
  });
}

function requireAuthorized(
  change: ChangeRequest,
  ctx: ChangeContext,
  doing: string,
): ChangeTransition | undefined {
  if (change.type === "standard") return undefined; // pre-approved by its template
  const evaluation = evaluateApprovals(change, ctx.approvals, ctx.at);
  if (evaluation.authorized) return undefined;
  const stillNeeded = evaluation.stillNeeded.map((g) => g.group);
  const why = evaluation.explanation.filter((line) => !line.includes(": approved by ")).join("; ");
  const message = `${change.number} is not authorized, so ${doing} must wait: ${why}`;
  return refused({ kind: "not-authorized", stillNeeded, message });
}
