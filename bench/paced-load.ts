/**
 * An open-loop load generator at a constant arrival rate, as wrk2 and k6's constant-arrival-rate
 * executor do: request n leaves at start + n / rate whatever happened to the ones before it, on
 * whichever pooled keep-alive connection is free (a new one when none is). autocannon's
 * `overallRate` is not that: each connection spends its per-second budget back to back at the top
 * of every second (measured: the 1,000 requests of a second all left within its first 50–150 ms),
 * so its latencies are those of 10 connections at full concurrency, not of 1,000 req/s.
 *
 * Latency runs from the moment a request is written to the end of its response, as autocannon
 * times it. How late each request left against its schedule is kept apart (`lag`): timers here
 * fire on whole milliseconds, and a generator that fell behind would hide the server's slowness.
 */
import { Pool } from "undici";

export interface PacedSample {
  /** Milliseconds from send to the end of each response, in completion order. */
  readonly latencies: readonly number[];
  /** Milliseconds each request left after its scheduled time. */
  readonly lag: readonly number[];
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
}

/**
 * The keep-alive connections to one target, kept across its runs so that every run but the first
 * starts warm (the first is the warm-up). At most 64 connections: more requests than that in
 * flight wait in undici's queue, and their wait counts in their latency.
 */
export interface PacedClient {
  readonly pool: Pool;
  readonly path: string;
}

export function pacedClient(url: string): PacedClient {
  const target = new URL(url);
  return {
    pool: new Pool(target.origin, { connections: 64, pipelining: 1 }),
    path: `${target.pathname}${target.search}`,
  };
}

/** `rate` GET requests per second for `seconds`, on the client's connections. */
export async function pacedLoad(client: PacedClient, rate: number, seconds: number): Promise<PacedSample> {
  const { pool, path } = client;
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const lag: number[] = [];
  let errors = 0;
  let settled = 0;
  let sent = 0;
  const start = performance.now();
  const interval = 1000 / rate;

  let resolve = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const finish = () => {
    settled++;
    if (settled === total) resolve();
  };
  const fire = () => {
    const sentAt = performance.now();
    pool
      .request({ path, method: "GET" })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode >= 400) errors++;
        else latencies.push(performance.now() - sentAt);
      })
      .catch(() => {
        errors++;
      })
      .finally(finish);
  };
  const tick = () => {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / interval) + 1);
    for (; sent < due; sent++) {
      lag.push(now - (start + sent * interval));
      fire();
    }
    if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
  };
  tick();
  await done;
  return { latencies, lag, requests: total - errors, seconds, errors };
}
