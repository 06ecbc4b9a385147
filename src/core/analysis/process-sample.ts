/**
 * What an infrastructure check reads about one instance at one moment: from /proc for the process
 * driver's pids, or from Prometheus for other drivers.
 */
export interface ProcessSample {
  /** Which instance: its slot and index, or a series label for Prometheus. */
  readonly instance: string;
  readonly pid: number | null;
  /** Epoch milliseconds. */
  readonly at: number;
  /** CPU time (user + system) in seconds since the process started; null when unknown. */
  readonly cpuSeconds: number | null;
  /** Instant CPU use in percent of one core, when the source gives it directly (Prometheus). */
  readonly cpuPercent?: number | null;
  readonly memoryBytes: number | null;
  readonly openFiles: number | null;
  /** Restarts the source counts itself (Prometheus); /proc samples count pid changes instead. */
  readonly restarts?: number | null;
}
