// storefront 2.0.0: checkout as in 1.0.0, and the answer also carries a delivery estimate.
import { call, serve } from "./fleet-service.mjs";

serve({
  "POST /checkout": async (body) => {
    const sku = String(body.sku ?? "sku-1");
    const quantity = Number(body.quantity ?? 1);
    const stock = await call("catalog", `/stock?sku=${encodeURIComponent(sku)}`);
    const order = await call("checkout", "/orders", { sku, quantity });
    const deliveryDays = stock.warehouse === "north" ? 1 : 2;
    return { checkout: "done", stock, order, deliveryDays };
  },
});
