import type { BackfillCheckpoint } from "./backfill-checkpoint.js";

/** What a progress bar, an event or the API shows about a running backfill. */
export interface BackfillProgress {
  readonly name: string;
  readonly rowsDone: number;
  /** rowsDone plus the rows still ahead of the checkpoint when this session started. */
  readonly rowsTotal: number;
  /** 0..1; 1 once completed. */
  readonly fraction: number;
  /** Rows per second over this session (a resumed run does not count the time before the crash). */
  readonly rowsPerSecond: number;
  /** Seconds left at the current rate; null before the rate is known. */
  readonly etaSeconds: number | null;
  readonly lastKey: string | null;
}

/** Where the current session started: rows done then, and when. */
export interface ProgressSession {
  readonly startRows: number;
  readonly startedAt: number;
  /** Rows done before the session plus rows ahead of its checkpoint. */
  readonly rowsTotal: number;
}

/** Progress of a backfill at `now` (ms), from its checkpoint and the session's start. */
export function backfillProgress(
  checkpoint: BackfillCheckpoint,
  session: ProgressSession,
  now: number,
): BackfillProgress {
  const completed = checkpoint.state === "completed";
  // Rows inserted behind our back can push rowsDone past the estimate; never show > 100%.
  const rowsTotal = Math.max(session.rowsTotal, checkpoint.rowsDone);
  const sessionRows = checkpoint.rowsDone - session.startRows;
  const elapsedMs = now - session.startedAt;
  const rowsPerSecond = elapsedMs > 0 ? (sessionRows * 1000) / elapsedMs : 0;
  const remaining = rowsTotal - checkpoint.rowsDone;
  return {
    name: checkpoint.name,
    rowsDone: checkpoint.rowsDone,
    rowsTotal,
    fraction: completed ? 1 : rowsTotal === 0 ? 0 : checkpoint.rowsDone / rowsTotal,
    rowsPerSecond,
    etaSeconds: completed ? 0 : rowsPerSecond > 0 ? remaining / rowsPerSecond : null,
    lastKey: checkpoint.lastKey,
  };
}

/** One line for a terminal: `[#####.....]  52% 520,000/1,000,000 rows 81,234 rows/s ETA 6s`. */
export function formatBackfillProgress(progress: BackfillProgress, width = 30): string {
  const filled = Math.round(progress.fraction * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const percent = `${Math.floor(progress.fraction * 100)}%`.padStart(4);
  const rate = Math.round(progress.rowsPerSecond).toLocaleString("en-US");
  const eta = progress.etaSeconds === null ? "ETA ?" : `ETA ${formatDuration(progress.etaSeconds)}`;
  return `[${bar}] ${percent} ${progress.rowsDone.toLocaleString("en-US")}/${progress.rowsTotal.toLocaleString("en-US")} rows ${rate} rows/s ${eta}`;
}

/** Seconds as `1h02m`, `3m05s` or `7s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}
