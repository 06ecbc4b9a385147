import { evaluateApprovals } from "../../core/change/approval/evaluate-approvals.js";
import { changeNextSteps } from "../../core/change/change-next-steps.js";
import type { ImplementationOutcome } from "../../core/change/change-request.js";
import { transitionChange } from "../../core/change/transition-change.js";
import { ConflictError, DomainError } from "../../core/errors/domain-error.js";
import { isTerminalPhase } from "../../core/run/run-phase.js";
import type { Store } from "../../store/store.js";
import type { Actor } from "./change-actor.js";
import type { ChangeService, Stored } from "./change-service.js";
import { approvalSetupFor, documentOf, loadChangeWorld } from "./change-world.js";

const SYSTEM: Actor = { identity: "system", name: "system" };
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The gate between runs and change requests. A run into an environment whose protection says
 * `changeRequired` starts only when a change for its release and environment is authorized
 * (Scheduled or Implement) and now is inside its window; the change then moves to Implement and
 * the run is linked to it. When its runs end, the change moves to Review with their outcome,
 * which each service's change history keeps for future risk.
 */
export class ChangeGate {
  constructor(
    private readonly store: Store,
    private readonly changes: ChangeService,
  ) {}

  /**
   * The change a run must belong to, or undefined when the environment is not protected; throws
   * when refused. With no active change for the release and environment, the request creates one
   * (normal, New, requested by the starter) and the refusal names it and what must happen next;
   * later requests find that change instead of creating another.
   */
  async admit(
    release: string,
    environment: string,
    starter: Actor,
    now: number,
  ): Promise<Stored | undefined> {
    const world = await loadChangeWorld(this.store);
    const env = documentOf(world, "Environment", environment);
    if (env?.spec.protection?.changeRequired !== true) return undefined;
    let candidates = await this.store.changes.list<Stored["details"]>({
      release,
      environment,
      active: true,
    });
    const needs = `${environment} is protected: a run of ${release} needs an approved change for ${release} in ${environment} whose window is open now (${iso(now)})`;
    if (candidates.length === 0) {
      let made: { stored: Stored; created: boolean };
      try {
        made = await this.changes.createForRun(release, environment, starter, now);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        throw new ConflictError(
          "change.required",
          `${needs}; there is none, and none could be made from the documents (${error.message}): create one with \`upshift change create --release ${release} --env ${environment}\``,
          { details: { changes: [] } },
        );
      }
      if (made.created) {
        const c = made.stored.change;
        throw new ConflictError(
          "change.created",
          `${needs}; there was none, so this request created ${c.number} (${c.type}, ${c.state}, requested by ${c.requestedBy}). Next: ${changeNextSteps(c, now).join("; ")}`,
          {
            details: {
              changes: [{ number: c.number, state: c.state, type: c.type, created: true }],
              next: changeNextSteps(c, now),
            },
          },
        );
      }
      candidates = [made.stored];
    }
    const ready = candidates.filter((c) => c.change.state === "Scheduled" || c.change.state === "Implement");
    const open = ready.find(
      (c) => c.change.window !== undefined && c.change.window.start <= now && now < c.change.window.end,
    );
    if (open === undefined) {
      // An authorized change's window says it all; others say what must happen next.
      const described = (c: Stored["change"]) => {
        if (c.state === "Scheduled" || c.state === "Implement")
          return c.window === undefined
            ? `${c.number} has no window`
            : `${c.number}'s window is ${iso(c.window.start)}–${iso(c.window.end)}`;
        const next = changeNextSteps(c, now);
        return `${c.number} is ${c.state}${next.length === 0 ? "" : `; next: ${next.join("; ")}`}`;
      };
      const shown = ready.length > 0 ? ready : candidates;
      throw new ConflictError(
        "change.required",
        `${needs}; ${shown.map((c) => described(c.change)).join(". ")}`,
        {
          details: {
            changes: candidates.map((c) => ({ number: c.change.number, state: c.change.state })),
            next: shown.flatMap((c) => changeNextSteps(c.change, now)),
          },
        },
      );
    }
    const change = open.change;
    if (change.type !== "standard") {
      // Starting a run bars its starter from approving: an approver who starts it voids their own approval.
      const setup = approvalSetupFor(world, change, open.details.auditApproverGroup);
      const current = evaluateApprovals(change, setup, now);
      if (!current.authorized)
        throw new ConflictError(
          "change.not-authorized",
          `${change.number} is no longer authorized, so no run may start: ${current.explanation.join("; ")}`,
        );
      const linked = transitionChange(
        change,
        { kind: "link-run", by: starter.identity, runId: "pending" },
        { at: now, approvals: setup },
      );
      if (linked.kind === "accepted") {
        const evaluation = evaluateApprovals(linked.change, setup, now);
        if (!evaluation.authorized)
          throw new ConflictError(
            "change.not-authorized",
            `${change.number} would not be authorized with ${starter.identity} starting its run: ${evaluation.explanation.join("; ")}`,
          );
      }
    }
    return open;
  }

  /**
   * Moves an admitted change from Scheduled to Implement before its run is created, so the run's
   * first steps find it in Implement when the engine checks it.
   */
  async enter(stored: Stored, now: number): Promise<Stored> {
    if (stored.change.state !== "Scheduled") return stored;
    return this.changes.apply(
      stored.change.number,
      SYSTEM,
      now,
      () => ({ kind: "advance", by: "system", to: "Implement" }),
      () => [],
    );
  }

  /** Links a started run to its change (entering Implement first if it has not yet). */
  async link(stored: Stored, runId: string, starter: Actor, now: number): Promise<Stored> {
    const number = stored.change.number;
    const moved = await this.enter(stored, now);
    return this.changes.apply(
      number,
      starter,
      now,
      () => ({ kind: "link-run", by: starter.identity, runId }),
      () => [
        {
          action: "change.link-run",
          data: { number, runId, startedBy: starter.identity, state: moved.change.state },
        },
      ],
      {},
      undefined,
      [{ runId, startedBy: starter.identity }],
    );
  }

  /**
   * Level-triggered upkeep: Scheduled changes of protected environments whose window has opened
   * move to Implement; changes in Implement whose runs have all ended move to Review with the
   * runs' outcome. Returns the numbers it moved.
   */
  async reconcile(now: number): Promise<string[]> {
    const moved: string[] = [];
    const world = await loadChangeWorld(this.store);
    for (const stored of await this.store.changes.list<Stored["details"]>({ state: "Scheduled" })) {
      const c = stored.change;
      const env = documentOf(world, "Environment", c.environment);
      if (env?.spec.protection?.changeRequired !== true || c.window === undefined) continue;
      if (now < c.window.start || now >= c.window.end) continue;
      try {
        await this.changes.apply(
          c.number,
          SYSTEM,
          now,
          () => ({ kind: "advance", by: "system", to: "Implement" }),
          () => [],
        );
        moved.push(c.number);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error; // approvals expired: it stays Scheduled, says why on the next try
      }
    }
    for (const stored of await this.store.changes.list<Stored["details"]>({ state: "Implement" })) {
      const links = await this.store.changes.runs(stored.change.number);
      if (links.length === 0) continue;
      await this.pauseAfterWindow(stored, links, now);
      const runs = await Promise.all(links.map((l) => this.store.runs.getRun(l.runId)));
      if (runs.some((r) => r === undefined || !isTerminalPhase(r.run.phase))) continue;
      const outcome = outcomeOf(
        runs.map((r) => ({
          phase: r?.run.phase ?? "Aborted",
          retried: r?.steps.some((s) => s.attempt > 1) ?? false,
        })),
      );
      await this.changes.apply(
        stored.change.number,
        SYSTEM,
        now,
        () => ({ kind: "finish-implementation", by: "system", outcome }),
        () => [],
      );
      moved.push(stored.change.number);
    }
    return moved;
  }

  /**
   * A run still Running when its change's window has closed is paused (by `system`, with the
   * reason), so nothing more changes outside the approved window; a person decides to resume,
   * abort or roll back.
   */
  private async pauseAfterWindow(
    stored: Stored,
    links: readonly { runId: string }[],
    now: number,
  ): Promise<void> {
    const window = stored.change.window;
    if (window === undefined || now < window.end) return;
    for (const link of links) {
      const got = await this.store.runs.getRun(link.runId);
      if (got?.run.phase !== "Running") continue;
      try {
        await this.store.runs.signal(
          link.runId,
          {
            kind: "pause",
            by: "system",
            reason: `the window of ${stored.change.number} closed at ${iso(window.end)}; resume, abort or roll back`,
          },
          now,
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error; // it stopped running meanwhile
      }
    }
  }
}

/** ServiceNow close codes from run phases: all succeeded (retries mean "with issues"), else unsuccessful. */
export function outcomeOf(runs: readonly { phase: string; retried: boolean }[]): ImplementationOutcome {
  if (runs.some((r) => r.phase !== "Succeeded")) return "unsuccessful";
  return runs.some((r) => r.retried) ? "successful-with-issues" : "successful";
}
