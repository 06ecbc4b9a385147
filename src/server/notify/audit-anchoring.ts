import { resolveAnchorWebhook } from "../../adapters/notify/anchor-webhook.js";
import type { ChainPoint } from "../../core/audit/audit-entry.js";
import { DURATION_HINT, parseDurationSeconds } from "../../core/documents/duration.js";
import { InputError } from "../../core/errors/domain-error.js";
import type { SecretReader } from "../../core/rollout/resolve-secrets.js";
import type { Store } from "../../store/store.js";

/** Where and how often the server anchors the head of the audit log. */
export interface AnchorSchedule {
  readonly intervalMs: number;
  readonly file?: string;
  readonly webhook?: { readonly url: string; readonly secretRef: string };
}

/**
 * Periodic anchors from the environment: UPSHIFT_ANCHOR_INTERVAL (e.g. `15m`, default `1h` when a
 * destination is set), UPSHIFT_ANCHOR_FILE, UPSHIFT_ANCHOR_WEBHOOK (its HMAC key in
 * UPSHIFT_ANCHOR_WEBHOOK_SECRET). Undefined when no destination is set; an error names the variable.
 */
export function anchorScheduleFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): AnchorSchedule | undefined {
  const file = env.UPSHIFT_ANCHOR_FILE || undefined;
  const url = env.UPSHIFT_ANCHOR_WEBHOOK || undefined;
  const interval = env.UPSHIFT_ANCHOR_INTERVAL || undefined;
  if (file === undefined && url === undefined) {
    if (interval !== undefined)
      throw new InputError(
        "audit.anchor-config",
        "UPSHIFT_ANCHOR_INTERVAL is set but no destination: set UPSHIFT_ANCHOR_FILE or UPSHIFT_ANCHOR_WEBHOOK",
      );
    return undefined;
  }
  const seconds = parseDurationSeconds(interval ?? "1h");
  if (seconds === undefined || seconds < 1)
    throw new InputError(
      "audit.anchor-config",
      `UPSHIFT_ANCHOR_INTERVAL="${interval}" is not a duration: must be ${DURATION_HINT}, at least 1s`,
    );
  return {
    intervalMs: seconds * 1000,
    ...(file === undefined ? {} : { file }),
    ...(url === undefined ? {} : { webhook: { url, secretRef: "env:UPSHIFT_ANCHOR_WEBHOOK_SECRET" } }),
  };
}

export interface Anchoring {
  /** Anchors now (when the head moved since the last anchor); resolves to the point anchored, if any. */
  anchorNow(): Promise<ChainPoint | undefined>;
  stop(): Promise<void>;
}

/**
 * Anchors the head every `intervalMs` while the head moves. The webhook and its secret are checked
 * at start, so a misconfigured server fails to start instead of silently not anchoring; a send that
 * fails later is logged and tried again at the next interval.
 */
export function startAnchoring(
  store: Store,
  schedule: AnchorSchedule,
  options: {
    readonly now?: () => Date;
    readonly readSecret?: SecretReader;
    readonly log?: { warn(message: string, fields?: Record<string, unknown>): void };
  } = {},
): Anchoring {
  const publish =
    schedule.webhook === undefined
      ? undefined
      : resolveAnchorWebhook(schedule.webhook.url, schedule.webhook.secretRef, options.readSecret);
  const now = options.now ?? (() => new Date());
  let running: Promise<unknown> = Promise.resolve();
  const anchorNow = async (): Promise<ChainPoint | undefined> => {
    const [head, last] = await Promise.all([store.audit.head(), store.audit.latestAnchor()]);
    if (head.seq === 0 || (last !== undefined && last.seq === head.seq && last.hash === head.hash))
      return undefined;
    const anchor = await store.audit.anchor({
      now: now(),
      ...(schedule.file === undefined ? {} : { file: schedule.file }),
      ...(publish === undefined ? {} : { publish }),
    });
    return { seq: anchor.seq, hash: anchor.hash };
  };
  const timer = setInterval(() => {
    running = anchorNow().catch((error: unknown) =>
      options.log?.warn("audit anchor not written; trying again at the next interval", {
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
  }, schedule.intervalMs);
  timer.unref();
  return {
    anchorNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
