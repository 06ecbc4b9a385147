import { existsSync } from "node:fs";

// Says loudly when the PostgreSQL suites cannot run, at the start and at the end of the run.
const banner = [
  "",
  "!!! UPSHIFT_TEST_DATABASE_URL is not set: the PostgreSQL store, server and CLI suites DID NOT RUN.",
  "!!! Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them; CI always does.",
  "",
].join("\n");

/** Real peers some system tests start; outside CI their suites are skipped when missing, loudly. */
const PEERS = [
  ["/usr/sbin/nginx", "nginx"],
  ["/usr/bin/prometheus", "prometheus"],
] as const;

function missingPeers(): string[] {
  return PEERS.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
}

export function setup(): void {
  if (!process.env.UPSHIFT_TEST_DATABASE_URL) console.warn(banner);
  const missing = missingPeers();
  if (missing.length > 0) {
    console.warn(
      `\n!!! ${missing.join(", ")} not installed: ${process.env.CI ? "their suites WILL FAIL in CI" : "their suites are SKIPPED"} (apt-get install -y ${missing.join(" ")}).\n`,
    );
  }
}

export function teardown(): void {
  if (!process.env.UPSHIFT_TEST_DATABASE_URL) console.warn(banner);
}
