import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { registerAudit } from "../../src/cli/commands/audit.js";
import { CliError } from "../../src/cli/exit-codes.js";
import { verifyWebhookSignature } from "../../src/core/notify/webhook-signature.js";
import { openStore } from "../../src/store/store.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

async function audit(dataDir: string, ...args: string[]): Promise<{ stdout: string; error?: CliError }> {
  const program = new Command("upshift").option("--data-dir <dir>").exitOverride();
  registerAudit(program);
  let stdout = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["audit", ...args, "--data-dir", dataDir], { from: "user" });
    return { stdout };
  } catch (error) {
    if (error instanceof CliError) return { stdout, error };
    throw error;
  } finally {
    write.mockRestore();
  }
}

describe("upshift audit anchor --webhook", () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  const savedUrl = process.env.UPSHIFT_DATABASE_URL;
  beforeEach(async () => {
    delete process.env.UPSHIFT_DATABASE_URL;
    process.env.UPSHIFT_TEST_ANCHOR_SECRET = "cli-anchor-secret";
    dataDir = mkdtempSync(join(tmpdir(), "upshift-anchor-webhook-"));
    receiver = await WebhookReceiver.open();
    const store = await openStore({ dataDir });
    try {
      await store.audit.append(
        Array.from({ length: 30 }, (_, i) => ({
          at: new Date(Date.UTC(2026, 10, 27, 10, i)).toISOString(),
          actor: "alice",
          action: "change.approve",
          subject: `CHG-${i}`,
          data: { i },
        })),
      );
    } finally {
      await store.close();
    }
  });
  afterEach(async () => {
    if (savedUrl !== undefined) process.env.UPSHIFT_DATABASE_URL = savedUrl;
    delete process.env.UPSHIFT_TEST_ANCHOR_SECRET;
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends a signed anchor; the CloudEvent the receiver kept catches a truncated tail", async () => {
    const url = `${receiver.url}/anchor`;
    const sent = await audit(
      dataDir,
      "anchor",
      "--webhook",
      url,
      "--secret",
      "env:UPSHIFT_TEST_ANCHOR_SECRET",
    );
    expect(sent.error).toBeUndefined();
    expect(sent.stdout).toMatch(new RegExp(`^anchored entry 30 [0-9a-f]{64} at .*; written to ${url}`));
    const [request] = receiver.accepted;
    const signature = request?.headers["upshift-signature"] as string;
    expect(
      verifyWebhookSignature("cli-anchor-secret", request?.body ?? "", signature, Date.now() / 1000).kind,
    ).toBe("ok");

    // The receiver's copy, saved as it arrived.
    const kept = join(dataDir, "received-anchor.json");
    writeFileSync(kept, request?.body ?? "");
    const db = new SQLite(join(dataDir, "upshift.db"));
    try {
      db.exec("drop trigger audit_log_no_delete; delete from audit_log where seq > 27");
    } finally {
      db.close();
    }
    const verified = await audit(dataDir, "verify", "--anchor", kept);
    expect(verified.error?.message).toMatch(
      /the chain was truncated: it ends at entry 27 but the anchor records entry 30; entries 28–30 are missing/,
    );
  });

  it("refuses a secret given as a literal and a secret that is not set, before anchoring anything", async () => {
    const literal = await audit(dataDir, "anchor", "--webhook", receiver.url, "--secret", "hunter2");
    expect(literal.error?.message).toBe(
      "--webhook/--secret: the signing secret must be a reference (env:NAME or file:/path), not the secret itself on the command line",
    );
    const missing = await audit(
      dataDir,
      "anchor",
      "--webhook",
      receiver.url,
      "--secret",
      "env:UPSHIFT_NOT_SET_X",
    );
    expect(missing.error?.message).toBe("--webhook/--secret: secret env:UPSHIFT_NOT_SET_X is not set");
    // A receiver that is down: the command fails and records no anchor.
    receiver.failNext(1);
    const down = await audit(
      dataDir,
      "anchor",
      "--webhook",
      receiver.url,
      "--secret",
      "env:UPSHIFT_TEST_ANCHOR_SECRET",
    );
    expect(down.error?.message).toMatch(
      /^cannot send the anchor to http:\/\/127\.0\.0\.1:\d+\/: 127\.0\.0\.1:\d+ answered 503: down for maintenance; no anchor was recorded$/,
    );
    const store = await openStore({ dataDir });
    try {
      expect(await store.audit.latestAnchor()).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
