-- 007: completed and cancelled are both final. An order in either status
-- never changes status again: a completed order cannot be cancelled, nor a
-- cancelled one completed. (Under 001 the ranks alone decided, and
-- completed 4 < cancelled 5 let completed -> cancelled through.) Moving
-- back stays refused as before. Same SQLSTATE, LD412, for both refusals.
-- Orders already moved from completed to cancelled are left as they are.
CREATE OR REPLACE FUNCTION larder_order_status_forward() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND OLD.status IN ('completed', 'cancelled') THEN
    RAISE EXCEPTION 'order % is %, a final status; it cannot become %', OLD.id, OLD.status,
      NEW.status USING ERRCODE = 'LD412';
  END IF;
  IF larder_order_status_rank(NEW.status) < larder_order_status_rank(OLD.status) THEN
    RAISE EXCEPTION 'order % is %; it cannot move back to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'LD412';
  END IF;
  RETURN NEW;
END
$$;
