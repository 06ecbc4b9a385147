import { evaluateApprovals } from "../../core/change/approval/evaluate-approvals.js";
import type { ImplementationOutcome } from "../../core/change/change-request.js";
import { transitionChange } from "../../core/change/transition-change.js";
import { ConflictError } from "../../core/errors/domain-error.js";
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

  /** The change a run must belong to, or undefined when the environment is not protected; throws when refused. */
  async admit(
    release: string,
    environment: string,
    starter: Actor,
    now: number,
  ): Promise<Stored | undefined> {
    const world = await loadChangeWorld(this.store);
    const env = documentOf(world, "Environment", environment);
    if (env?.spec.protection?.changeRequired !== true) return undefined;
    const candidates = await this.store.changes.list<Stored["details"]>({
      release,
      environment,
      active: true,
    });
    const ready = candidates.filter((c) => c.change.state === "Scheduled" || c.change.state === "Implement");
    const open = ready.find(
      (c) => c.change.window !== undefined && c.change.window.start <= now && now < c.change.window.end,
    );
    if (open === undefined) {
      const why =
        ready.length > 0
          ? ready
              .map((c) =>
                c.change.window === undefined
                  ? `${c.change.number} has no window`
                  : `${c.change.number}'s window is ${iso(c.change.window.start)}–${iso(c.change.window.end)}`,
              )
              .join("; ")
          : candidates.length > 0
            ? candidates.map((c) => `${c.change.number} is ${c.change.state}`).join("; ")
            : `there is none: create one with \`upshift change create --release ${release} --env ${environment}\``;
      throw new ConflictError(
        "change.required",
        `${environment} is protected: a run of ${release} needs an approved change for ${release} in ${environment} whose window is open now (${iso(now)}); ${why}`,
        { details: { changes: candidates.map((c) => ({ number: c.change.number, state: c.change.state })) } },
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

  /** Links a started run to its change, moving a Scheduled change to Implement. */
  async link(stored: Stored, runId: string, starter: Actor, now: number): Promise<Stored> {
    const number = stored.change.number;
    let moved = stored;
    if (stored.change.state === "Scheduled")
      moved = await this.changes.apply(
        number,
        SYSTEM,
        now,
        () => ({ kind: "advance", by: "system", to: "Implement" }),
        () => [],
      );
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
