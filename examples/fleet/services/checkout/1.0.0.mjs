// checkout 1.0.0: places orders, each charged through billing.
import { call, serve } from "./fleet-service.mjs";

let next = 1;
serve({
  "POST /orders": async (body) => {
    const payment = await call("billing", "/charge", { amount: 20 * Number(body.quantity ?? 1) });
    return { orderId: `o-${process.pid}-${next++}`, payment };
  },
});
