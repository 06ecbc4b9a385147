import type { ChainPoint, StoredAuditRecord } from "../../core/audit/audit-entry.js";
import type { ChainVerdict } from "../../core/audit/chain-finding.js";
import { verifyChain } from "../../core/audit/chain-verification.js";
import { renderRiskTable } from "../../core/change/risk/render-risk-table.js";
import type { Store } from "../../store/store.js";
import { ChangeService } from "./change-service.js";
import { type PresentedChange, presentChange } from "./present-change.js";

/** Everything an auditor needs about one change, as files of a zip (name → text). */
export interface EvidenceBundle {
  readonly number: string;
  readonly files: Readonly<Record<string, string>>;
  readonly verdict: ChainVerdict;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Collects the evidence of a change: the change, its plan, risk table, approvals (identities,
 * times, expiry, why rounds ended), communications, runs with their events, and the audit chain
 * segment from its first to its last entry with the point it continues from, verified here and
 * verifiable by anyone: hash(n) = sha256(hash(n-1) ‖ canonical entry n), RFC 8785 JSON.
 * Communications are the notification outbox's messages about the change, sent or still queued.
 */
export async function collectEvidence(store: Store, number: string, now: number): Promise<EvidenceBundle> {
  const service = new ChangeService(store);
  const stored = await service.get(number);
  const links = await store.changes.runs(number);
  const change = presentChange(stored, await service.setupOf(stored), now, links);
  const plan = await store.plans.get(stored.change.plan.id);
  const approvals = await store.changes.approvals(number);
  const runs = [];
  for (const link of links) {
    const got = await store.runs.getRun(link.runId);
    runs.push({
      ...link,
      linkedAt: new Date(link.linkedAt).toISOString(),
      run: got?.run ?? null,
      steps: got?.steps ?? [],
      events: await store.runs.events(link.runId, 0, 100_000),
    });
  }
  const communications = (await store.notifications.forChange(number)).map((m) => ({
    ...m,
    createdAt: new Date(m.createdAt).toISOString(),
    sentAt: m.sentAt === null ? null : new Date(m.sentAt).toISOString(),
    nextAttemptAt: new Date(m.nextAttemptAt).toISOString(),
  }));
  const subjects = new Set([number, ...links.map((l) => `run/${l.runId}`)]);
  const mine: number[] = [];
  await store.audit.scan((batch) => {
    for (const r of batch) if (subjects.has(r.subject)) mine.push(r.seq);
  });
  const head = await store.audit.head();
  const first = mine[0];
  const last = mine[mine.length - 1];
  const segment =
    first === undefined || last === undefined
      ? { start: head, records: [] as readonly StoredAuditRecord[] }
      : await store.audit.segment(first, last);
  const verdict = verifyChain(segment.records, { start: segment.start });
  const proof = {
    algorithm:
      "hash(n) = lowercase hex sha256(hash(n-1) as 64 hex characters ‖ canonical(entry n)); canonical = RFC 8785 JSON of {seq, at, actor, action, subject, data}, data being dataJson verbatim",
    start: segment.start,
    end: segment.records.length === 0 ? segment.start : pointOf(segment.records[segment.records.length - 1]),
    headAtExport: head,
    changeEntries: mine,
    verdict,
  };
  const risk = stored.details.risk;
  const files: Record<string, string> = {
    "change.json": json(change),
    "plan.json": json(plan ?? { missing: `plan ${stored.change.plan.id} is no longer stored` }),
    "risk.json": json({ score: risk.score, band: risk.band, bands: risk.bands, factors: risk.factors }),
    "risk.txt": `${renderRiskTable(number, risk, risk.bands)}\n`,
    "approvals.json": json(approvals),
    "communications.json": json(communications),
    "runs.json": json(runs),
    "audit-segment.json": json(segment.records),
    "audit-proof.json": json(proof),
  };
  files["SUMMARY.md"] = summary(change, approvals, runs.length, communications, proof, verdict);
  return { number, files, verdict };
}

function pointOf(r: StoredAuditRecord | undefined): ChainPoint | undefined {
  return r === undefined ? undefined : { seq: r.seq, hash: r.hash };
}

function summary(
  c: PresentedChange,
  approvals: readonly {
    identity: string;
    decision: string;
    at: string;
    groups: string[];
    comment: string | null;
    ended: string | null;
    expiresAt: string | null;
  }[],
  runCount: number,
  communications: readonly {
    event: string;
    channel: string;
    recipient: string | null;
    subject: string;
    state: string;
    sentAt: string | null;
  }[],
  proof: { start: ChainPoint; changeEntries: number[] },
  verdict: ChainVerdict,
): string {
  const lines = [
    `# Evidence for ${c.number}${c.emergency ? " — EMERGENCY CHANGE" : ""}`,
    "",
    `- Type: ${c.type}; state: ${c.state}; outcome: ${c.outcome ?? "none yet"}`,
    `- Release ${c.release} into ${c.environment}, requested by ${c.requestedBy}${c.releaseAuthor ? `; release author ${c.releaseAuthor}` : ""}`,
    `- Window: ${c.window === null ? "not set" : `${c.window.start} – ${c.window.end}`}`,
    `- Services: ${c.services.map((s) => s.name).join(", ")}; dependents: ${c.dependents.join(", ") || "none"}`,
    `- Plan ${c.plan.id} (${c.plan.digest}); backout estimate ${c.backoutSeconds} s`,
    `- Risk: ${c.risk.band} (${c.risk.score} points); see risk.txt`,
    "",
    "## Approvals",
    "",
    "| identity | decision | groups | at | expires | comment | round ended |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...approvals.map(
      (a) =>
        `| ${a.identity} | ${a.decision} | ${a.groups.join(", ")} | ${a.at} | ${a.expiresAt ?? ""} | ${a.comment ?? ""} | ${a.ended ?? ""} |`,
    ),
    "",
    "## History",
    "",
    ...c.history.map((h) => `- ${h.at} ${h.from} → ${h.to} by ${h.by}: ${h.note}`),
    "",
    ...(c.retrospective.kind === "completed"
      ? ["## Retrospective", "", ...c.retrospective.findings.map((f) => `- ${f}`), ""]
      : []),
    "## Runs and communications",
    "",
    `- ${runCount} run(s) with their steps and events: runs.json`,
    communications.length === 0
      ? "- Communications: none recorded for this change (communications.json is an empty list)"
      : `- Communications (${communications.length}, communications.json):`,
    ...communications.map(
      (m) =>
        `  - ${m.event} via ${m.channel} to ${m.recipient ?? "the channel"}: "${m.subject}" — ${m.state}${m.sentAt ? ` at ${m.sentAt}` : ""}`,
    ),
    "",
    "## Audit chain",
    "",
    `- Segment: entries ${proof.changeEntries[0] ?? "–"}…${proof.changeEntries[proof.changeEntries.length - 1] ?? "–"} (audit-segment.json), continuing from entry ${proof.start.seq} ${proof.start.hash}`,
    `- Entries about this change: ${proof.changeEntries.join(", ")}`,
    `- Verified at export: ${verdict.kind === "intact" ? `intact (${verdict.verified} entries)` : `TAMPERED — ${verdict.finding.message}`}`,
    "- To check independently: recompute each hash from the previous one and the entry's canonical JSON (audit-proof.json says how), and compare the head with an anchor kept outside the database.",
    "",
  ];
  return lines.join("\n");
}
