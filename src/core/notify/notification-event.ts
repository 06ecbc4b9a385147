import type { AuditEntry } from "../audit/audit-entry.js";
import type { ChangeFacts, NotificationFactsPort, RunFacts } from "./notification-facts.js";
import type { NotificationEventKind } from "./notification-policy.js";

/** What an audit entry asks to be announced, before the facts are read: which change or run, and why. */
export type NotificationTrigger =
  | { readonly kind: "approval-requested"; readonly change: string; readonly groups: readonly string[] }
  | { readonly kind: "downtime-scheduled"; readonly change: string }
  /** From change.create: announced only if the change turns out to be an emergency. */
  | { readonly kind: "emergency"; readonly change: string }
  | { readonly kind: "started"; readonly run: string }
  | { readonly kind: "completed" | "failed" | "rolled-back"; readonly run: string; readonly phase: string };

/** A notification to route and render: the trigger with its facts and the entry it came from. */
export type NotificationEvent = {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
} & (
  | { readonly kind: "approval-requested"; readonly change: ChangeFacts; readonly groups: readonly string[] }
  | { readonly kind: "downtime-scheduled" | "emergency"; readonly change: ChangeFacts }
  | {
      readonly kind: "started" | "completed" | "failed" | "rolled-back";
      readonly run: RunFacts;
      readonly phase: string;
    }
);

type Data = { readonly [key: string]: unknown };

const asData = (value: unknown): Data =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Data) : {};
const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The change number an entry is about: `data.number`, else a `CHG-n` subject. */
function changeNumberOf(entry: Pick<AuditEntry, "subject">, data: Data): string | undefined {
  const number = asString(data.number);
  if (number !== undefined) return number;
  return /^CHG-\d+$/.test(entry.subject) ? entry.subject : undefined;
}

const runIdOf = (subject: string): string | undefined =>
  subject.startsWith("run/") ? subject.slice("run/".length) : undefined;

/** Which notification, if any, an audit entry triggers (pure: reads only the entry). */
export function notificationTriggerOf(
  entry: Pick<AuditEntry, "action" | "subject" | "data">,
): NotificationTrigger | undefined {
  const data = asData(entry.data);
  switch (entry.action) {
    case "change.approval-requested": {
      const change = changeNumberOf(entry, data);
      const groups = Array.isArray(data.groups) ? data.groups.filter((g) => typeof g === "string") : [];
      return change === undefined ? undefined : { kind: "approval-requested", change, groups };
    }
    case "change.transition": {
      const change = changeNumberOf(entry, data);
      return change !== undefined && data.to === "Scheduled"
        ? { kind: "downtime-scheduled", change }
        : undefined;
    }
    case "change.create": {
      const change = changeNumberOf(entry, data);
      if (change === undefined || (data.type !== undefined && data.type !== "emergency")) return undefined;
      return { kind: "emergency", change };
    }
    case "run.start": {
      const run = runIdOf(entry.subject);
      return run === undefined ? undefined : { kind: "started", run };
    }
    case "run.finish": {
      const run = runIdOf(entry.subject);
      const phase = asString(data.phase);
      if (run === undefined || phase === undefined) return undefined;
      const kind = FINISH_KINDS[phase];
      return kind === undefined ? undefined : { kind, run, phase };
    }
    default:
      return undefined;
  }
}

const FINISH_KINDS: Readonly<Record<string, "completed" | "failed" | "rolled-back">> = {
  Succeeded: "completed",
  Failed: "failed",
  Aborted: "failed",
  RolledBack: "rolled-back",
};

/**
 * The event for a trigger, with facts read through the port; undefined when the change or run is
 * unknown (nothing can be said about it) or a created change is not an emergency.
 */
export async function notificationEventOf(
  entry: Pick<AuditEntry, "seq" | "at" | "actor" | "data">,
  trigger: NotificationTrigger,
  facts: NotificationFactsPort,
): Promise<NotificationEvent | undefined> {
  const base = { seq: entry.seq, at: entry.at, actor: entry.actor };
  switch (trigger.kind) {
    case "approval-requested":
    case "downtime-scheduled":
    case "emergency": {
      const change = (await facts.change(trigger.change)) ?? changeFactsFromData(trigger.change, entry.data);
      if (change === undefined) return undefined;
      if (trigger.kind === "emergency")
        return change.type === "emergency" ? { ...base, kind: "emergency", change } : undefined;
      if (trigger.kind === "approval-requested")
        return { ...base, kind: trigger.kind, change, groups: trigger.groups };
      return { ...base, kind: trigger.kind, change };
    }
    case "started":
    case "completed":
    case "failed":
    case "rolled-back": {
      const run = await facts.run(trigger.run);
      if (run === undefined) return undefined;
      return { ...base, kind: trigger.kind, run, phase: "phase" in trigger ? trigger.phase : "Running" };
    }
    default: {
      const never: never = trigger;
      return never;
    }
  }
}

/**
 * Facts carried by the entry itself (`environment`, `release`, `type`, `window`, `services`), for a
 * change the facts port does not know; undefined unless at least the environment is there.
 */
export function changeFactsFromData(number: string, value: unknown): ChangeFacts | undefined {
  const data = asData(value);
  const environment = asString(data.environment);
  if (environment === undefined) return undefined;
  const window = asData(data.window);
  const services = Array.isArray(data.services) ? data.services : [];
  const type = data.type === "emergency" || data.type === "standard" ? data.type : "normal";
  return {
    number,
    type,
    environment,
    release: asString(data.release) ?? "",
    window:
      typeof window.start === "number" && typeof window.end === "number"
        ? { start: window.start, end: window.end }
        : undefined,
    services: services.flatMap((s) => {
      const service = typeof s === "string" ? { name: s } : asData(s);
      const name = asString(service.name);
      if (name === undefined) return [];
      return [
        {
          name,
          tier: typeof service.tier === "number" ? service.tier : undefined,
          labels: asData(service.labels) as Readonly<Record<string, string>>,
        },
      ];
    }),
    ...(asString(data.slaImpact) !== undefined ? { slaImpact: asString(data.slaImpact) } : {}),
    ...(asString(data.customerImpact) !== undefined ? { customerImpact: asString(data.customerImpact) } : {}),
  };
}

/** The change a notification belongs to (its archive key), if any. */
export function changeNumberOfEvent(event: NotificationEvent): string | undefined {
  return "change" in event ? event.change.number : event.run.change;
}

/** The environment an event concerns, for route matching. */
export function environmentOfEvent(event: NotificationEvent): string {
  return "change" in event ? event.change.environment : event.run.environment;
}

export type { NotificationEventKind };
