import { type CheckoutTransaction, readCheckoutAnswer } from "./checkout-transaction.js";

export interface SyntheticTrafficOptions {
  /** The storefront's router, e.g. `http://127.0.0.1:17481`. */
  readonly baseUrl: string;
  /** Checkouts started per second, whether earlier ones finished or not (an open load model). */
  readonly ratePerSecond: number;
  /** At most this many checkouts in flight; a start beyond it is skipped and counted. */
  readonly maxInFlight?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * Steady synthetic checkouts through the whole fleet (storefront → catalog, checkout → billing),
 * each recorded with the versions that served it or the service and version that failed it.
 */
export class SyntheticTraffic {
  readonly transactions: CheckoutTransaction[] = [];
  /** Starts skipped because `maxInFlight` checkouts were still running (a sign of overload). */
  skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;
  private readonly now: () => number;

  constructor(private readonly options: SyntheticTrafficOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer !== undefined) return;
    const periodMs = 1000 / this.options.ratePerSecond;
    let due = this.now();
    // A timer tick may come late on a busy machine: catch up on the starts that were due.
    this.timer = setInterval(
      () => {
        const now = this.now();
        while (due <= now) {
          due += periodMs;
          this.launch();
        }
      },
      Math.max(5, Math.floor(periodMs / 2)),
    );
  }

  /** Stops starting checkouts and waits for those in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  private launch(): void {
    if (this.inFlight.size >= (this.options.maxInFlight ?? 200)) {
      this.skipped++;
      return;
    }
    const p = this.checkout().finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async checkout(): Promise<void> {
    const startedAt = this.now();
    const sku = `sku-${(this.sequence++ % 9) + 1}`;
    let status = 0;
    let text = "";
    try {
      const res = await fetch(`${this.options.baseUrl}/checkout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sku, quantity: 1 }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      text = `${error instanceof Error ? error.name : "Error"}${cause}`;
    }
    this.transactions.push({ startedAt, finishedAt: this.now(), ...readCheckoutAnswer(status, text) });
  }
}
