-- upshift: phase=expand
-- The new version writes status; the old one keeps writing state until the contract.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;
