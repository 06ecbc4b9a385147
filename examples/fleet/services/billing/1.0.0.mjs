// billing 1.0.0: charges an amount.
import { serve } from "./fleet-service.mjs";

let next = 1;
serve({
  "POST /charge": async (body) => ({
    chargeId: `c-${process.pid}-${next++}`,
    amount: Number(body.amount ?? 0),
  }),
});
