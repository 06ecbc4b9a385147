import type { Role } from "../auth/role.js";

/** What people (and triggers) can tell a run. */
export const SIGNAL_KINDS = [
  "approve",
  "judge",
  "promote",
  "pause",
  "resume",
  "abort",
  "retry-step",
  "skip-step",
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** The least role that may send each signal. */
export const SIGNAL_ROLE: Record<SignalKind, Role> = {
  approve: "approver",
  judge: "approver",
  promote: "operator",
  pause: "operator",
  resume: "operator",
  abort: "operator",
  "retry-step": "operator",
  "skip-step": "operator",
};

/** Signals that address one step and need its key. */
export const STEP_SIGNALS: ReadonlySet<SignalKind> = new Set([
  "approve",
  "judge",
  "promote",
  "retry-step",
  "skip-step",
]);

export interface RunSignal {
  readonly kind: SignalKind;
  readonly stepKey: string | null;
  readonly by: string;
  readonly reason: string | null;
  /** For `judge`: pass or fail. */
  readonly value: string | null;
  readonly at: string;
}

export function isSignalKind(text: string): text is SignalKind {
  return (SIGNAL_KINDS as readonly string[]).includes(text);
}
