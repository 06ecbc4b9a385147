// checkout 2.0.0: as 1.0.0, and orders carry a status.
import { call, serve } from "./fleet-service.mjs";

let next = 1;
serve({
  "POST /orders": async (body) => {
    const payment = await call("billing", "/charge", { amount: 20 * Number(body.quantity ?? 1) });
    return { orderId: `o2-${process.pid}-${next++}`, status: "confirmed", payment };
  },
});
