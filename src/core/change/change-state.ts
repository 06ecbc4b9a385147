/** The ITIL/ServiceNow change states, in the order a normal change passes through them. */
export const CHANGE_STATES = [
  "New",
  "Assess",
  "Authorize",
  "Scheduled",
  "Implement",
  "Review",
  "Closed",
  "Canceled",
] as const;

export type ChangeState = (typeof CHANGE_STATES)[number];

/** Standard: pre-approved and low risk; normal: assessed and authorized; emergency: expedited. */
export type ChangeType = "standard" | "normal" | "emergency";

/** Closed and Canceled end a change: nothing moves it again. */
export function isTerminalState(state: ChangeState): boolean {
  return state === "Closed" || state === "Canceled";
}
