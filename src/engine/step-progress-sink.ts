import type { Fence } from "../core/run/step-handler.js";

/**
 * Appends a progress event to a running step's run (what `upshift run status`, the API and the
 * console show), fenced by the step's lease: the store implements it and returns false once the
 * lease moved on, so a worker that lost its step cannot add stale lines.
 */
export type StepProgressSink = (
  fence: Fence,
  event: {
    readonly runId: string;
    readonly stepKey: string;
    readonly at: number;
    readonly type: string;
    readonly data: Record<string, unknown>;
  },
) => Promise<boolean>;
