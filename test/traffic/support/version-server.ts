import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small upstream that answers its version; `/fail` answers 500, to count server errors; a POST
 * answers `<version> got <body>`, to show bodies reach it.
 */
export interface VersionServer {
  readonly version: string;
  readonly address: string;
  close(): Promise<void>;
}

/** Starts an upstream for `version` on a free loopback port. */
export async function startVersionServer(version: string): Promise<VersionServer> {
  const server: Server = createServer(async (req, res) => {
    const status = req.url === "/fail" ? 500 : 200;
    let body = "";
    for await (const chunk of req) body += chunk;
    const answer = req.method === "POST" ? `${version} got ${body}` : version;
    res.writeHead(status, { "content-type": "text/plain", "x-version": version }).end(answer);
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

/**
 * Loopback ports nothing listens on right now, all different: they are held open together before
 * being released, since two bind(0) calls in a row can return the same port.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0] as number;
}

/** One GET through a keep-alive pool; resolves to the status, body and response headers. */
export function get(
  url: string,
  headers: Record<string, string> = {},
  agent: Agent = new Agent({ keepAlive: false }),
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Sends `count` GET requests, `concurrency` at a time, and tallies the versions that answered. */
export async function tallyVersions(
  url: string,
  count: number,
  headers: Record<string, string> = {},
  concurrency = 16,
): Promise<Map<string, number>> {
  const tally = new Map<string, number>();
  // A pool per call: connections opened under an earlier route are not reused, as an nginx worker
  // retired by a reload closes its idle keep-alive connections (a reused one would be reset).
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const res = await get(url, headers, agent);
      const key = res.status === 200 ? res.body : `status ${res.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return tally;
}
