/** A version and the driver slot that holds it (`stable`, `canary`, `blue`, `green`, …). */
export interface VersionSlot {
  readonly version: string;
  readonly slot: string;
}
