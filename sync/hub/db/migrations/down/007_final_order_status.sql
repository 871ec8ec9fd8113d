-- Undo 007_final_order_status: the trigger function of 001.
CREATE OR REPLACE FUNCTION larder_order_status_forward() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF larder_order_status_rank(NEW.status) < larder_order_status_rank(OLD.status) THEN
    RAISE EXCEPTION 'order % is %; it cannot move back to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'LD412';
  END IF;
  RETURN NEW;
END
$$;
