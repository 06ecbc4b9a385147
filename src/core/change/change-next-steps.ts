import type { ChangeRequest } from "./change-request.js";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What must still happen before a run may enter the change's environment, as commands a person
 * can type: a window if it has none, the type's path to Scheduled (assess, authorize, approvals),
 * then the window itself. Empty when the change admits runs now or never will (Review, Closed,
 * Canceled).
 */
export function changeNextSteps(
  change: Pick<ChangeRequest, "number" | "type" | "state" | "window">,
  now: number,
): string[] {
  const n = change.number;
  const steps: string[] = [];
  const editable = ["New", "Assess", "Authorize", "Scheduled"].includes(change.state);
  if (change.window === undefined && editable)
    steps.push(`give it a window: upshift change edit ${n} --start <RFC 3339> --end <RFC 3339>`);
  else if (change.window !== undefined && change.window.end <= now && editable)
    steps.push(
      `its window ended at ${iso(change.window.end)}: move it with upshift change edit ${n} --start … --end … (approvals are asked again)`,
    );
  const approvals = `approvals from the Policy's approver groups (upshift approve ${n}; upshift change list --awaiting-me shows who is asked)`;
  switch (change.state) {
    case "New":
      if (change.type === "standard") steps.push(`schedule it: upshift change submit ${n}`);
      else if (change.type === "emergency")
        steps.push(`submit it for authorization: upshift change submit ${n}`, approvals);
      else
        steps.push(
          `submit it for assessment: upshift change submit ${n}`,
          `authorize it (the approvers are asked): upshift change authorize ${n}`,
          approvals,
        );
      break;
    case "Assess":
      steps.push(`authorize it (the approvers are asked): upshift change authorize ${n}`, approvals);
      break;
    case "Authorize":
      steps.push(approvals);
      break;
    default:
      break;
  }
  if (editable && change.window !== undefined && change.window.end > now)
    steps.push(
      `start the run again inside its window, ${iso(change.window.start)}–${iso(change.window.end)}`,
    );
  else if (editable) steps.push("start the run again inside its window");
  return steps;
}
