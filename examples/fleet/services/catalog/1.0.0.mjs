// catalog 1.0.0: stock of a SKU.
import { serve } from "./fleet-service.mjs";

serve({
  "GET /stock": async (_body, url) => ({ sku: url.searchParams.get("sku"), available: 42 }),
});
