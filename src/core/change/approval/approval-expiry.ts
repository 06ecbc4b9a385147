import type { ApprovalRecord } from "./approval-record.js";
import { approvalRequirements } from "./approval-requirements.js";
import type { ApprovalSetup } from "./approval-setup.js";
import type { ApprovalSubject } from "./approval-subject.js";

/** When an approval expires: the shortest expiry among the groups it was given for. */
export function approvalExpiry(
  change: ApprovalSubject,
  setup: ApprovalSetup,
): (a: ApprovalRecord) => number | null {
  const req = approvalRequirements(change, setup);
  return (a) => {
    const seconds = req.requirements
      .filter((r) => a.groups.includes(r.group) && r.expiresAfterSeconds !== undefined)
      .map((r) => r.expiresAfterSeconds as number);
    return seconds.length === 0 ? null : a.at + Math.min(...seconds) * 1000;
  };
}
