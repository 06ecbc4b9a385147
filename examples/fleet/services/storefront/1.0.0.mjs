// storefront 1.0.0: checkout asks catalog for stock, then checkout for an order.
import { call, serve } from "./fleet-service.mjs";

serve({
  "POST /checkout": async (body) => {
    const sku = String(body.sku ?? "sku-1");
    const stock = await call("catalog", `/stock?sku=${encodeURIComponent(sku)}`);
    const order = await call("checkout", "/orders", { sku, quantity: 1 });
    return { checkout: "done", stock, order };
  },
});
