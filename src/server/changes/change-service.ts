import { checkSlot } from "../../core/calendar/check-slot.js";
import { approvalExpiry } from "../../core/change/approval/approval-expiry.js";
import type { ApprovalSetup } from "../../core/change/approval/approval-setup.js";
import { evaluateApprovals } from "../../core/change/approval/evaluate-approvals.js";
import type { ChangeEvent } from "../../core/change/change-event.js";
import {
  type ChangeRequest,
  type ChangeWindow,
  type ImplementationOutcome,
  newChangeRequest,
} from "../../core/change/change-request.js";
import { changeScopeOf } from "../../core/change/change-scope.js";
import type { ChangeState, ChangeType } from "../../core/change/change-state.js";
import { releaseWindow } from "../../core/change/release-window.js";
import { migrationHazardsOf } from "../../core/change/risk/migration-hazards.js";
import { rollbackPlanOf } from "../../core/change/rollback-plan.js";
import { transitionChange } from "../../core/change/transition-change.js";
import { clearWindow, describeBlockedWindow } from "../../core/change/window-clearance.js";
import { canonicalJson } from "../../core/documents/canonical-json.js";
import { ConflictError, InfeasibleError, InputError, NotFoundError } from "../../core/errors/domain-error.js";
import type { NewAuditEntry } from "../../store/audit-repository.js";
import type { StoredChange } from "../../store/change-repository.js";
import type { Store } from "../../store/store.js";
import { planFromStore } from "../routes/plans.js";
import { type ChangeAction, eventFor } from "./change-action.js";
import type { Actor } from "./change-actor.js";
import { changeAuditEntry, describeChanged } from "./change-audit.js";
import type { ChangeDetails } from "./change-details.js";
import { assessChangeRisk, fleetOf } from "./change-risk.js";
import {
  approvalSetupFor,
  type ChangeWorld,
  calendarWorldFor,
  documentOf,
  loadChangeWorld,
} from "./change-world.js";
import { deployedServices, digestOf } from "./plan-digest.js";

export type Stored = StoredChange<ChangeDetails>;

export interface CreateChange {
  readonly release: string;
  readonly environment: string;
  readonly type: ChangeType;
  readonly window?: ChangeWindow;
}

export interface EditChange {
  readonly window?: ChangeWindow;
  /** Plan again from the current documents: the plan and the scope may change. */
  readonly replan?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Change requests as the API and the run gate use them: loads what a decision reads, applies the
 * core state machine under the change's lock, and records every mutation in the audit log in the
 * same transaction (actions `change.create`, `change.transition`, `change.edit`, `change.approve`,
 * `change.reject`, `change.approval-requested`, `change.retrospective`, `change.link-run`).
 */
export class ChangeService {
  constructor(private readonly store: Store) {}

  async get(number: string): Promise<Stored> {
    const stored = await this.store.changes.get<ChangeDetails>(number);
    if (stored === undefined)
      throw new NotFoundError(
        "change.not-found",
        `change ${number} does not exist; \`upshift change list\` shows them`,
      );
    return stored;
  }

  /** The approval setup a change is evaluated against now. */
  async setupOf(stored: Stored, world?: ChangeWorld): Promise<ApprovalSetup> {
    return approvalSetupFor(
      world ?? (await loadChangeWorld(this.store)),
      stored.change,
      stored.details.auditApproverGroup,
    );
  }

  async create(input: CreateChange, actor: Actor, now: number): Promise<Stored> {
    return (await this.createChange(input, actor, now, false)).stored;
  }

  /**
   * The change a run request into a protected environment creates when its release has no active
   * change there: a normal change planned from the same documents as the run, requested by the
   * run's starter, audited (`change.create`, with `trigger: "run"`) and announced as any created
   * change. When one is active already (another request made it meanwhile), that one is returned.
   */
  async createForRun(
    release: string,
    environment: string,
    actor: Actor,
    now: number,
  ): Promise<{ stored: Stored; created: boolean }> {
    return this.createChange({ release, environment, type: "normal" }, actor, now, true);
  }

  private async createChange(
    input: CreateChange,
    actor: Actor,
    now: number,
    forRun: boolean,
  ): Promise<{ stored: Stored; created: boolean }> {
    if (forRun) {
      const [active] = await this.store.changes.list<ChangeDetails>({
        release: input.release,
        environment: input.environment,
        active: true,
        limit: 1,
      });
      if (active !== undefined) return { stored: active, created: false };
    }
    const world = await loadChangeWorld(this.store);
    const release = documentOf(world, "Release", input.release);
    if (release === undefined)
      throw new NotFoundError(
        "change.unknown-release",
        `no Release named "${input.release}"; apply it first`,
      );
    const env = documentOf(world, "Environment", input.environment);
    if (env === undefined)
      throw new NotFoundError(
        "change.unknown-environment",
        `no Environment named "${input.environment}"; apply it first`,
      );
    if (!release.spec.environments.includes(input.environment))
      throw new InputError(
        "change.environment-not-in-release",
        `release ${input.release} goes to ${release.spec.environments.join(", ")}, not ${input.environment}`,
      );
    const {
      plan,
      input: planInput,
      generations,
    } = await planFromStore(this.store, input.release, input.environment);
    const envPlan = plan.environments.find((e) => e.name === input.environment);
    if (!plan.feasible || envPlan === undefined)
      throw new InfeasibleError(
        "plan.infeasible",
        `release ${input.release} has no valid order in ${input.environment}: ${plan.conflicts.map((c) => c.message).join("; ") || "see cycles"}`,
        { details: { conflicts: plan.conflicts, cycles: plan.cycles } },
      );
    const saved = await this.store.plans.save(plan, {
      environment: input.environment,
      generations,
      by: actor.name,
      now,
    });
    const deployed = deployedServices(envPlan);
    const scope = changeScopeOf(deployed, fleetOf(world));
    const window = input.window ?? releaseWindow(release.spec.window, env.spec.timeZone);
    const history = await this.store.changes.history(deployed);
    const storedRelease = world.stored.find(
      (s) => s.doc.kind === "Release" && s.doc.metadata.name === input.release,
    );
    const author = storedRelease?.updatedBy ?? undefined;
    const rollback = rollbackPlanOf(envPlan, planInput.release.spec.changes);
    const migrationHazards = migrationHazardsOf(
      planInput.release.spec.changes,
      deployed,
      planInput.migrations,
    );
    const build = (number: string) => {
      const fresh = newChangeRequest(
        {
          number,
          type: input.type,
          environment: input.environment,
          release: input.release,
          ...(author !== undefined ? { releaseAuthor: world.identities[author] ?? author } : {}),
          labels: release.metadata.labels ?? {},
          requestedBy: actor.identity,
          plan: { id: saved.id, digest: digestOf(envPlan), generations },
          ...(window !== undefined ? { window } : {}),
          scope: scope.services,
        },
        now,
      );
      const risk = assessChangeRisk(world, fresh, envPlan.waves, history, now, migrationHazards);
      const assessed = accept(
        transitionChange(
          fresh,
          { kind: "assess-risk", by: "system", band: risk.band, score: risk.score },
          {
            at: now,
            approvals: approvalSetupFor(world, fresh, undefined),
          },
        ),
      ).change;
      const details: ChangeDetails = {
        waves: envPlan.waves,
        estimate: plan.estimate,
        rollback,
        dependents: scope.dependents,
        risk,
        migrationHazards,
      };
      const audit: NewAuditEntry[] = [
        changeAuditEntry(now, actor, "change.create", assessed, {
          number,
          type: input.type,
          release: input.release,
          environment: input.environment,
          window: window === undefined ? null : { start: iso(window.start), end: iso(window.end) },
          services: deployed,
          plan: saved.id,
          risk: { band: risk.band, score: risk.score },
          ...(forRun ? { trigger: "run" } : {}),
        }),
      ];
      return { change: assessed, details, audit };
    };
    if (forRun) return this.store.changes.createUnlessActive(input.release, input.environment, build, now);
    return { stored: await this.store.changes.create(build, now), created: true };
  }

  /** Applies a named transition. */
  async transition(
    number: string,
    action: ChangeAction,
    body: { reason?: string; outcome?: ImplementationOutcome },
    actor: Actor,
    now: number,
  ): Promise<Stored> {
    if (action === "assess") return this.reassess(number, actor, now);
    const current = await this.get(number);
    if (action === "review") await this.refuseWhileRunsActive(current);
    const reason = body.reason?.trim() ?? "";
    if ((action === "cancel" || action === "revert-to-new") && reason === "")
      throw new InputError(
        "change.reason-required",
        `${action} needs a reason (--reason), recorded in the change's history`,
      );
    const event = eventFor(action, current.change, actor.identity, reason, body.outcome ?? "successful");
    // The state change itself is the audit entry (`change.transition`), added by apply().
    return this.apply(
      number,
      actor,
      now,
      () => event,
      () => [],
    );
  }

  async approve(number: string, actor: Actor, comment: string | undefined, now: number): Promise<Stored> {
    return this.apply(
      number,
      actor,
      now,
      () => ({ kind: "approve", by: actor.identity, ...(comment ? { comment } : {}) }),
      (_before, after) => {
        const record = after.approvals[after.approvals.length - 1];
        return [
          {
            action: "change.approve",
            data: {
              number,
              identity: actor.identity,
              groups: record?.groups ?? [],
              level: record?.level ?? 0,
              comment: comment ?? null,
            },
          },
        ];
      },
    );
  }

  async reject(number: string, actor: Actor, comment: string, now: number): Promise<Stored> {
    return this.apply(
      number,
      actor,
      now,
      () => ({ kind: "reject", by: actor.identity, comment }),
      () => [{ action: "change.reject", data: { number, identity: actor.identity, comment } }],
    );
  }

  async edit(number: string, edit: EditChange, actor: Actor, now: number): Promise<Stored> {
    if (edit.window === undefined && edit.replan !== true)
      throw new InputError(
        "change.empty-edit",
        "an edit changes the window (start and end) or re-plans (replan: true)",
      );
    const current = await this.get(number);
    let plan: ChangeRequest["plan"] | undefined;
    let scope: ChangeRequest["scope"] | undefined;
    let newDetails: Partial<ChangeDetails> = {};
    if (edit.replan === true) {
      const world = await loadChangeWorld(this.store);
      const { release, environment } = current.change;
      const planned = await planFromStore(this.store, release, environment);
      const envPlan = planned.plan.environments.find((e) => e.name === environment);
      if (!planned.plan.feasible || envPlan === undefined)
        throw new InfeasibleError(
          "plan.infeasible",
          `release ${release} has no valid order in ${environment} any more`,
        );
      const saved = await this.store.plans.save(planned.plan, {
        environment,
        generations: planned.generations,
        by: actor.name,
        now,
      });
      plan = { id: saved.id, digest: digestOf(envPlan), generations: planned.generations };
      const deployed = deployedServices(envPlan);
      const changeScope = changeScopeOf(deployed, fleetOf(world));
      scope = changeScope.services;
      newDetails = {
        waves: envPlan.waves,
        estimate: planned.plan.estimate,
        rollback: rollbackPlanOf(envPlan, planned.input.release.spec.changes),
        dependents: changeScope.dependents,
        migrationHazards: migrationHazardsOf(
          planned.input.release.spec.changes,
          deployed,
          planned.input.migrations,
        ),
      };
      // A re-plan that moved nothing pins the same plan (only its id differs): say nothing changed.
      if (
        plan.digest === current.change.plan.digest &&
        canonicalJson(plan.generations) === canonicalJson(current.change.plan.generations)
      )
        plan = current.change.plan;
    }
    const event: ChangeEvent = {
      kind: "edit",
      by: actor.identity,
      ...(plan !== undefined ? { plan } : {}),
      ...(edit.window !== undefined ? { window: edit.window } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
    return this.apply(
      number,
      actor,
      now,
      () => event,
      (before, after, effects) => {
        const invalidated = effects.find((e) => e.kind === "approvals-invalidated");
        return [
          {
            action: "change.edit",
            data: {
              number,
              changed: describeChanged(before, after),
              approvalsInvalidated: invalidated !== undefined,
            },
          },
        ];
      },
      newDetails,
    );
  }

  async completeRetrospective(
    number: string,
    findings: readonly string[],
    actor: Actor,
    now: number,
  ): Promise<Stored> {
    return this.apply(
      number,
      actor,
      now,
      () => ({ kind: "complete-retrospective", by: actor.identity, findings }),
      (_b, after) => [
        {
          action: "change.retrospective",
          data: {
            number,
            findings: after.retrospective.kind === "completed" ? after.retrospective.findings : findings,
          },
        },
      ],
    );
  }

  /** Recomputes the risk (New, Assess, Authorize before any approval). */
  async reassess(number: string, actor: Actor, now: number): Promise<Stored> {
    const world = await loadChangeWorld(this.store);
    const current = await this.get(number);
    const history = await this.store.changes.history(current.change.scope.map((s) => s.name));
    const risk = assessChangeRisk(
      world,
      current.change,
      current.details.waves,
      history,
      now,
      current.details.migrationHazards,
    );
    return this.apply(
      number,
      actor,
      now,
      () => ({ kind: "assess-risk", by: actor.identity, band: risk.band, score: risk.score }),
      (before) => [
        {
          action: "change.edit",
          data: {
            number,
            changed: [
              `risk assessed: ${risk.band} (${risk.score} points; was ${before.riskBand ?? "not assessed"} ${before.riskScore ?? ""})`.trimEnd(),
            ],
          },
        },
      ],
      { risk },
      world,
    );
  }

  /**
   * Applies one event under the change's lock. `primary` gives the event's own audit entries; a
   * state change adds `change.transition`, entering Authorize adds `change.approval-requested`.
   * Entering Authorize or Scheduled, or moving the window, checks the window against the calendar.
   */
  async apply(
    number: string,
    actor: Actor,
    now: number,
    eventOf: (stored: Stored) => ChangeEvent,
    primary: (
      before: ChangeRequest,
      after: ChangeRequest,
      effects: readonly { kind: string }[],
    ) => readonly { action: string; data: Record<string, unknown> }[],
    detailsPatch: Partial<ChangeDetails> = {},
    preloaded?: ChangeWorld,
    linkRuns: readonly { runId: string; startedBy: string }[] = [],
  ): Promise<Stored> {
    const world = preloaded ?? (await loadChangeWorld(this.store));
    const current = await this.get(number);
    const history =
      detailsPatch.risk === undefined
        ? await this.store.changes.history(current.change.scope.map((s) => s.name))
        : [];
    return this.store.changes.update<ChangeDetails>(number, now, (stored) => {
      const before = stored.change;
      const event = eventOf(stored);
      let details: ChangeDetails = { ...stored.details, ...detailsPatch };
      // The window decides the audit group, and with it who must approve: clear it first.
      const movesWindow = event.kind === "edit" && event.window !== undefined;
      const target = targetOf(event, before);
      let clearance: ReturnType<typeof clearWindow> | undefined;
      const windowAfter = event.kind === "edit" && event.window !== undefined ? event.window : before.window;
      // Checked again on entering Implement: a freeze or booking added since scheduling must stop it.
      const checks =
        movesWindow || target === "Authorize" || target === "Scheduled" || target === "Implement";
      if (windowAfter !== undefined && checks) {
        const report = checkSlot(calendarWorldFor(world, number), {
          id: number,
          environment: before.environment,
          services: (event.kind === "edit" && event.scope ? event.scope : before.scope).map((s) => s.name),
          start: windowAfter.start,
          end: windowAfter.end,
        });
        clearance = clearWindow(report.conflicts, before.type, world.policy);
        const entering =
          target === "Authorize" ||
          target === "Scheduled" ||
          target === "Implement" ||
          ["Authorize", "Scheduled"].includes(before.state);
        if (clearance.blocking.length > 0 && entering)
          throw new ConflictError(
            "change.window-conflict",
            describeBlockedWindow(number, clearance.blocking),
            {
              details: { conflicts: clearance.blocking },
            },
          );
        details = {
          ...details,
          ...(clearance.extraGroup !== undefined ? { auditApproverGroup: clearance.extraGroup } : {}),
          overriddenConflicts: clearance.overridden.map((c) => c.message),
        };
        if (clearance.extraGroup === undefined) {
          const { auditApproverGroup: _dropped, ...rest } = details;
          details = rest;
        }
      }
      const setup = approvalSetupFor(world, before, details.auditApproverGroup);
      const result = transitionChange(before, event, { at: now, approvals: setup });
      const accepted = accept(result);
      let after = accepted.change;
      // After an edit, the risk is re-assessed where the state still allows it.
      if (event.kind === "edit") {
        const risk = assessChangeRisk(world, after, details.waves, history, now, details.migrationHazards);
        const reassessed = transitionChange(
          after,
          { kind: "assess-risk", by: "system", band: risk.band, score: risk.score },
          {
            at: now,
            approvals: setup,
          },
        );
        if (reassessed.kind === "accepted") {
          after = reassessed.change;
          details = { ...details, risk };
        }
      }
      const audit: NewAuditEntry[] = primary(before, after, accepted.effects).map((p) =>
        changeAuditEntry(now, actor, p.action, after, p.data),
      );
      if (after.state !== before.state) {
        const last = after.history[after.history.length - 1];
        audit.push(
          changeAuditEntry(now, actor, "change.transition", after, {
            number,
            from: before.state,
            to: after.state,
            type: after.type,
            note: last?.note ?? "",
          }),
        );
      }
      // Approvers are asked when the change enters Authorize, and again when a level completes
      // and the next level's groups are up.
      const evaluation = after.state === "Authorize" ? evaluateApprovals(after, setup, now) : undefined;
      const entered = before.state !== "Authorize" || after.approvalRound !== before.approvalRound;
      const nextLevel =
        evaluation !== undefined &&
        !entered &&
        event.kind === "approve" &&
        evaluation.currentLevel !== evaluateApprovals(before, setup, now).currentLevel;
      if (evaluation !== undefined && (entered || nextLevel)) {
        audit.push(
          changeAuditEntry(now, actor, "change.approval-requested", after, {
            number,
            groups: evaluation.stillNeeded.map((g) => g.group),
            awaiting: evaluation.mayApprove,
            level: evaluation.currentLevel ?? null,
          }),
        );
      }
      const outcomeRecorded =
        after.state === "Review" && before.state === "Implement" && after.outcome !== undefined;
      return {
        change: after,
        details,
        audit,
        expiryOf: approvalExpiry(after, setup),
        linkRuns,
        ...(outcomeRecorded && after.outcome !== undefined
          ? {
              history: after.scope.map((s) => ({
                service: s.name,
                outcome: after.outcome as ImplementationOutcome,
                incidents: [],
              })),
            }
          : {}),
      };
    });
  }

  private async refuseWhileRunsActive(stored: Stored): Promise<void> {
    for (const link of await this.store.changes.runs(stored.change.number)) {
      const got = await this.store.runs.getRun(link.runId);
      if (got !== undefined && !["Succeeded", "RolledBack", "Aborted"].includes(got.run.phase))
        throw new ConflictError(
          "change.run-active",
          `run ${link.runId} of ${stored.change.number} is ${got.run.phase}; the change enters Review with the run's outcome when it ends`,
        );
    }
  }
}

function targetOf(event: ChangeEvent, change: ChangeRequest): ChangeState | undefined {
  if (event.kind === "advance") return event.to;
  if (event.kind === "approve" && change.state === "Authorize") return "Scheduled";
  return undefined;
}

/** The accepted transition, or a ConflictError carrying the core's refusal. */
export function accept(result: ReturnType<typeof transitionChange>) {
  if (result.kind === "refused")
    throw new ConflictError(`change.${result.refusal.kind}`, result.refusal.message, {
      details: result.refusal,
    });
  return result;
}
