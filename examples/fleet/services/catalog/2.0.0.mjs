// catalog 2.0.0: stock of a SKU and the warehouse that holds it.
import { serve } from "./fleet-service.mjs";

serve({
  "GET /stock": async (_body, url) => {
    const sku = url.searchParams.get("sku") ?? "";
    return { sku, available: 42, warehouse: sku.endsWith("1") ? "north" : "south" };
  },
});
