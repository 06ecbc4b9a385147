import type { CalendarWorld, ScheduledChange } from "../../core/calendar/calendar-world.js";
import { worldFromDocuments } from "../../core/calendar/world-from-documents.js";
import { type ApprovalSetup, approvalSetupFromPolicy } from "../../core/change/approval/approval-setup.js";
import type { ChangeRequest } from "../../core/change/change-request.js";
import { combinedPolicy } from "../../core/change/combined-policy.js";
import type { DocumentOf, UpshiftDocument } from "../../core/documents/document-kinds.js";
import type { PolicySpec } from "../../core/documents/kinds/policy.js";
import type { StoredDocument } from "../../store/document-repository.js";
import type { Store } from "../../store/store.js";

/** Everything a change decision reads from the store, loaded before the change is locked. */
export interface ChangeWorld {
  readonly stored: readonly StoredDocument[];
  readonly documents: readonly UpshiftDocument[];
  readonly policy: PolicySpec;
  /** Group → member identities, from the active tokens. */
  readonly directory: Readonly<Record<string, readonly string[]>>;
  /** Token name → identity, to name who applied a document. */
  readonly identities: Readonly<Record<string, string>>;
  /** Changes holding a slot (Scheduled or Implement), for the calendar's change conflicts. */
  readonly scheduled: readonly ScheduledChange[];
}

/** Reads documents, tokens and scheduled changes. */
export async function loadChangeWorld(store: Store): Promise<ChangeWorld> {
  const [stored, tokens, holding] = await Promise.all([
    store.documents.list(),
    store.tokens.list(),
    store.changes.list({ active: true }),
  ]);
  const documents = stored.map((s) => s.doc);
  const policies = documents
    .filter((d): d is DocumentOf<"Policy"> => d.kind === "Policy")
    .map((d) => ({ name: d.metadata.name, spec: d.spec }));
  const directory: Record<string, string[]> = {};
  const identities: Record<string, string> = {};
  for (const t of tokens) {
    if (t.revokedAt !== null) continue;
    identities[t.name] = t.identity;
    for (const g of t.groups) {
      const members = directory[g] ?? [];
      if (!members.includes(t.identity)) members.push(t.identity);
      directory[g] = members;
    }
  }
  const scheduled: ScheduledChange[] = [];
  for (const { change } of holding) {
    if (change.window === undefined || (change.state !== "Scheduled" && change.state !== "Implement"))
      continue;
    scheduled.push({
      id: change.number,
      state: change.state === "Scheduled" ? "scheduled" : "implementing",
      environment: change.environment,
      services: change.scope.map((s) => s.name),
      start: change.window.start,
      end: change.window.end,
      owner: change.requestedBy,
    });
  }
  return { stored, documents, policy: combinedPolicy(policies), directory, identities, scheduled };
}

/** A document of the world by kind and name. */
export function documentOf<K extends UpshiftDocument["kind"]>(
  world: ChangeWorld,
  kind: K,
  name: string,
): DocumentOf<K> | undefined {
  return world.documents.find((d) => d.kind === kind && d.metadata.name === name) as
    | DocumentOf<K>
    | undefined;
}

/** The calendar's world, without the change itself among the scheduled ones. */
export function calendarWorldFor(world: ChangeWorld, changeNumber: string): CalendarWorld {
  return worldFromDocuments(
    world.documents,
    world.scheduled.filter((s) => s.id !== changeNumber),
  );
}

/**
 * Who must approve this change: the Policy's rules, the environment's protection groups as the
 * fallback, and the audit windows' extra group when the change's window falls in one.
 */
export function approvalSetupFor(
  world: ChangeWorld,
  change: Pick<ChangeRequest, "environment">,
  auditGroup: string | undefined,
): ApprovalSetup {
  const env = documentOf(world, "Environment", change.environment);
  const setup = approvalSetupFromPolicy(world.policy, world.directory, env?.spec.protection?.approvalGroups);
  if (auditGroup === undefined) return setup;
  // The environment's groups are asked only when no rule matches; keep them when adding one.
  const envGroups = setup.environmentGroups ?? [];
  const base =
    setup.rules.length > 0 || envGroups.length === 0
      ? setup.rules
      : [
          {
            name: "environment-protection",
            groups: envGroups.map((g) => ({ name: g, quorum: "any" as const })),
          },
        ];
  return {
    ...setup,
    rules: [
      ...base,
      {
        name: "audit-window",
        match: { environments: [change.environment] },
        groups: [{ name: auditGroup, quorum: "any", level: 0 }],
      },
    ],
  };
}
