import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

/** A request as the receiver got it: path, headers and the raw body (what a signature covers). */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * An HTTP receiver on 127.0.0.1 that records every POST. `failNext(n)` answers the next n
 * requests 503 (a receiver that is down), and only the accepted ones count as delivered.
 */
export class WebhookReceiver {
  readonly accepted: ReceivedRequest[] = [];
  refused = 0;
  private failures = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async open(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        if (receiver === undefined) return;
        if (receiver.failures > 0) {
          receiver.failures -= 1;
          receiver.refused += 1;
          response.writeHead(503).end("down for maintenance");
          return;
        }
        receiver.accepted.push({
          path: request.url ?? "/",
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  failNext(n: number): void {
    this.failures = n;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
