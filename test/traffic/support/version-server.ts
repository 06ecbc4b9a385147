import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A small upstream that answers its version; `/fail` answers 500, to count server errors. */
export interface VersionServer {
  readonly version: string;
  readonly address: string;
  close(): Promise<void>;
}

/** Starts an upstream for `version` on a free loopback port. */
export async function startVersionServer(version: string): Promise<VersionServer> {
  const server: Server = createServer((req, res) => {
    const status = req.url === "/fail" ? 500 : 200;
    res.writeHead(status, { "content-type": "text/plain", "x-version": version }).end(version);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    version,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sends `count` GET requests, `concurrency` at a time, and tallies the versions that answered. */
export async function tallyVersions(
  url: string,
  count: number,
  headers: Record<string, string> = {},
  concurrency = 16,
): Promise<Map<string, number>> {
  const tally = new Map<string, number>();
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const res = await fetch(url, { headers });
      const body = await res.text();
      const key = res.ok ? body : `status ${res.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tally;
}
