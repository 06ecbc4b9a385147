// Says loudly when the PostgreSQL suites cannot run, at the start and at the end of the run.
const banner = [
  "",
  "!!! UPSHIFT_TEST_DATABASE_URL is not set: the PostgreSQL store, server and CLI suites DID NOT RUN.",
  "!!! Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them; CI always does.",
  "",
].join("\n");

export function setup(): void {
  if (!process.env.UPSHIFT_TEST_DATABASE_URL) console.warn(banner);
}

export function teardown(): void {
  if (!process.env.UPSHIFT_TEST_DATABASE_URL) console.warn(banner);
}
