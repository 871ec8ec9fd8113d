-- Undo 004_order_note_and_tax.
ALTER TABLE orders DROP COLUMN note, DROP COLUMN tax_rate_bp, DROP COLUMN tax_inclusive;
