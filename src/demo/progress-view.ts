import type { WindowRate } from "./error-rate-window.js";

/** One service's line in the live view. */
export interface ServiceProgress {
  readonly service: string;
  /** The rollout step's state and message as the run reports them. */
  readonly status: string;
  readonly weights: Readonly<Record<string, number>>;
  readonly rates: Readonly<Record<string, WindowRate>>;
}

/** Everything the live view shows at one moment. */
export interface ProgressView {
  readonly elapsedSeconds: number;
  readonly runPhase: string;
  readonly rows: readonly ServiceProgress[];
  readonly checkouts: { readonly total: number; readonly failed: number; readonly lastWindowFailed: number };
  readonly windowSeconds: number;
}

const pad = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

function formatWeights(weights: Readonly<Record<string, number>>): string {
  const parts = Object.entries(weights)
    .filter(([, w]) => w > 0)
    .map(([v, w]) => `${v} ${w}%`);
  return parts.length === 0 ? "no traffic" : parts.join(" · ");
}

function formatRates(rates: Readonly<Record<string, WindowRate>>): string {
  const parts = Object.entries(rates)
    .filter(([, r]) => r.requests > 0)
    .map(([v, r]) => `${v} ${(r.rate * 100).toFixed(1)}% of ${r.requests}`);
  return parts.length === 0 ? "-" : parts.join(" · ");
}

/** The live view as lines of text (no colours, so it reads the same in a log and a terminal). */
export function renderProgress(view: ProgressView): string[] {
  const { total, failed, lastWindowFailed } = view.checkouts;
  const lines = [
    `Upshift demo · ${view.elapsedSeconds.toFixed(0)} s · run ${view.runPhase}`,
    `${pad("SERVICE", 11)} ${pad("ROLLOUT", 46)} ${pad("WEIGHTS", 22)} 5xx LAST ${view.windowSeconds} s BY VERSION`,
  ];
  for (const row of view.rows)
    lines.push(
      `${pad(row.service, 11)} ${pad(row.status, 46)} ${pad(formatWeights(row.weights), 22)} ${formatRates(row.rates)}`,
    );
  const share = total === 0 ? 0 : (failed / total) * 100;
  lines.push(
    `checkouts: ${total} sent, ${failed} failed (${share.toFixed(2)}%), ${lastWindowFailed} failed in the last ${view.windowSeconds} s`,
  );
  return lines;
}
