// billing 2.0.0: charges in a currency. The demo's Service document makes this version faulty
// (FAULT_VERSION=2.0.0, FAULT_ERROR_RATE=0.3), so its canary fails analysis and is rolled back.
import { serve } from "./fleet-service.mjs";

let next = 1;
serve({
  "POST /charge": async (body) => ({
    chargeId: `c2-${process.pid}-${next++}`,
    amount: Number(body.amount ?? 0),
    currency: String(body.currency ?? "EUR"),
  }),
});
