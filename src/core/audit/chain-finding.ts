import type { ChainPoint } from "./audit-entry.js";

/**
 * The first thing wrong with a chain, named as specifically as the evidence allows. `seq` is the
 * sequence number the finding is about; `position` is the 0-based index in the records verified.
 */
export type ChainFinding =
  | { readonly kind: "edited"; readonly seq: number; readonly position: number; readonly message: string }
  | {
      readonly kind: "deleted";
      readonly fromSeq: number;
      readonly toSeq: number;
      readonly position: number;
      readonly message: string;
    }
  | { readonly kind: "inserted"; readonly seq: number; readonly position: number; readonly message: string }
  | { readonly kind: "reordered"; readonly seq: number; readonly position: number; readonly message: string }
  | {
      readonly kind: "truncated";
      readonly lastSeq: number;
      readonly anchorSeq: number;
      readonly message: string;
    }
  /** Every link holds, but the anchored head differs: the chain was recomputed from some point on. */
  | { readonly kind: "rewritten"; readonly seq: number; readonly position: number; readonly message: string };

/** The result of verifying a chain or a segment of it. */
export type ChainVerdict =
  | { readonly kind: "intact"; readonly verified: number; readonly head: ChainPoint }
  | { readonly kind: "tampered"; readonly verified: number; readonly finding: ChainFinding };
