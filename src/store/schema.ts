import type { Generated } from "kysely";

/** Current version of every applied document. Bodies are canonical JSON text on both databases. */
export interface DocumentTable {
  kind: string;
  name: string;
  generation: number;
  hash: string;
  body: string;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

/** Every change to a document, kept forever: applied versions and deletions. */
export interface DocumentHistoryTable {
  id: Generated<number>;
  kind: string;
  name: string;
  generation: number;
  operation: "apply" | "delete";
  hash: string;
  body: string | null;
  at: string;
  actor: string | null;
}

/** API tokens: only a sha256 of the secret is kept. */
export interface TokenTable {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  /** Who the token acts for in approvals (defaults to its name); migration 0006. */
  identity: string | null;
  /** JSON array of the approver groups the identity belongs to; migration 0006. */
  groups: string | null;
}

export interface RunTable {
  id: string;
  release: string;
  environment: string;
  phase: string;
  message: string;
  conditions: string;
  plan: string;
  started_by: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** Steps carry their lease: owner, generation (the fencing token) and expiry, all in epoch ms. */
export interface StepTable {
  id: string;
  run_id: string;
  /** The run's environment, copied so that claiming needs no second query. */
  environment: string;
  key: string;
  kind: string;
  service: string | null;
  wave: number;
  direction: string;
  depends_on: string;
  input: string;
  output: string;
  state: string;
  attempt: number;
  lease_owner: string | null;
  lease_generation: number;
  lease_expires_at: number | null;
  heartbeat_at: number | null;
  wake_at: number | null;
  ready_at: number | null;
  claimed_at: number | null;
  /** How the last claim happened: fresh (ready), wake (timer or signal) or takeover (lease expired). */
  claim_kind: string | null;
  /** When a worker must next look at the step: ready_at, a timer, or the lease expiry; null when none. */
  due_at: number | null;
  message: string | null;
  started_at: number | null;
  finished_at: number | null;
  /** The change request the run implements (migration 0010); null outside protected environments. */
  change_number: string | null;
}

export interface RunSignalTable {
  id: Generated<number>;
  run_id: string;
  step_key: string | null;
  kind: string;
  value: string | null;
  reason: string | null;
  by: string;
  at: number;
}

export interface RunEventTable {
  id: Generated<number>;
  run_id: string;
  at: number;
  type: string;
  step_key: string | null;
  data: string;
}

export interface RunLockTable {
  service: string;
  environment: string;
  run_id: string;
}

export interface PlanTable {
  id: string;
  release: string;
  environment: string | null;
  feasible: number;
  body: string;
  generations: string;
  created_at: number;
  created_by: string | null;
}

/** The hash-chained audit log; `data` is the canonical JSON text that was hashed. */
export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/** Heads of the audit log recorded by `upshift audit anchor`, and where each was also written. */
export interface AuditAnchorTable {
  id: Generated<number>;
  seq: number;
  hash: string;
  at: string;
  destination: string | null;
}

/** One row per backfill: its checkpoint after the last committed batch (BackfillCheckpoint). */
export interface BackfillCheckpointTable {
  name: string;
  fingerprint: string;
  target_table: string;
  state: string;
  last_key: string | null;
  rows_done: number;
  batches: number;
  checksum: string;
  batch_size: number;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** A change request: the core's ChangeRequest in `body`, with columns to query by. */
export interface ChangeTable {
  seq: number;
  number: string;
  type: string;
  state: string;
  release: string;
  environment: string;
  window_start: number | null;
  window_end: number | null;
  requested_by: string;
  body: string;
  details: string;
  created_at: number;
  updated_at: number;
}

/** Every approval or rejection ever given, with why its round ended (a projection of the body). */
export interface ChangeApprovalTable {
  id: Generated<number>;
  change_number: string;
  round: number;
  identity: string;
  groups: string;
  decision: string;
  comment: string | null;
  at: number;
  level: number;
  expires_at: number | null;
  ended: string | null;
}

export interface ChangeRunTable {
  change_number: string;
  run_id: string;
  started_by: string;
  linked_at: number;
}

/** Closed changes per service: the inputs of its change success score. */
export interface ServiceChangeHistoryTable {
  id: Generated<number>;
  service: string;
  environment: string;
  change_number: string;
  outcome: string;
  incidents: string;
  at: number;
}

export interface Schema {
  plans: PlanTable;
  runs: RunTable;
  steps: StepTable;
  run_signals: RunSignalTable;
  run_events: RunEventTable;
  run_locks: RunLockTable;
  documents: DocumentTable;
  document_history: DocumentHistoryTable;
  api_tokens: TokenTable;
  audit_log: AuditLogTable;
  audit_anchors: AuditAnchorTable;
  backfill_checkpoints: BackfillCheckpointTable;
  checklist_ticks: ChecklistTickTable;
  artifacts: ArtifactTable;
  changes: ChangeTable;
  change_approvals: ChangeApprovalTable;
  change_runs: ChangeRunTable;
  service_change_history: ServiceChangeHistoryTable;
}

/** A person's pass or fail of one item of a step's manual checklist (migration 0008). */
export interface ChecklistTickTable {
  id: Generated<number>;
  run_id: string;
  step_key: string;
  item: string;
  result: string;
  note: string | null;
  by: string;
  at: number;
}

/** A registered artifact version and its immutable digest (migration 0009). */
export interface ArtifactTable {
  name: string;
  version: string;
  digest: string;
  path: string | null;
  registered_at: number;
  registered_by: string;
}
