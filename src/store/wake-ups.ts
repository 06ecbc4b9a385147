import { EventEmitter } from "node:events";
import pg from "pg";
import type { WakeUpPort } from "../core/run/run-store-port.js";

/** In-process wake-ups for the embedded store: one process, one writer. */
export class LocalWakeUps implements WakeUpPort {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(): void {
    this.emitter.emit("wake");
  }

  subscribe(listener: () => void): () => void {
    this.emitter.on("wake", listener);
    return () => this.emitter.off("wake", listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * LISTEN/NOTIFY wake-ups shared by every replica on one PostgreSQL; local notifications too, so this
 * process does not wait for the round trip. Reconnects after errors; polling covers the gap.
 */
export class PgWakeUps implements WakeUpPort {
  private readonly local = new LocalWakeUps();
  private client: pg.Client | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly searchPath?: string,
  ) {}

  async start(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      ...(this.searchPath ? { options: `-c search_path=${this.searchPath}` } : {}),
    });
    client.on("notification", () => this.local.notify());
    client.on("error", () => {
      this.client = undefined;
      client.end().catch(() => {});
      if (!this.closed) setTimeout(() => void this.start().catch(() => {}), 1000);
    });
    await client.connect();
    await client.query("listen upshift_steps");
    this.client = client;
  }

  notify(): void {
    this.local.notify();
  }

  subscribe(listener: () => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => {});
    await this.local.close();
  }
}
