-- upshift: phase=expand
CREATE TABLE IF NOT EXISTS orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  price numeric(12, 2) NOT NULL,
  state text NOT NULL DEFAULT 'new'
);
