/** Who acts: the token's identity (approvals, separation of duties) and its name (logs). */
export interface Actor {
  readonly identity: string;
  readonly name: string;
}
