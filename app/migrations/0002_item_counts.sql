-- Every list response carries x-total-count. Counting 10,000 rows per request costs more than the page itself,
-- so the unfiltered totals are kept here by a trigger; filtered lists still count (their filters narrow the scan).
CREATE TABLE item_counts (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  live      bigint  NOT NULL,
  deleted   bigint  NOT NULL
);

INSERT INTO item_counts (live, deleted)
SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM items;

-- search_path is pinned so the trigger finds item_counts whatever the writing session's search_path is.
CREATE FUNCTION items_count_trigger() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  d_live    bigint := 0;
  d_deleted bigint := 0;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF NEW.deleted_at IS NULL THEN d_live := d_live + 1; ELSE d_deleted := d_deleted + 1; END IF;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    IF OLD.deleted_at IS NULL THEN d_live := d_live - 1; ELSE d_deleted := d_deleted - 1; END IF;
  END IF;
  IF d_live <> 0 OR d_deleted <> 0 THEN
    UPDATE item_counts SET live = live + d_live, deleted = deleted + d_deleted;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER items_count AFTER INSERT OR DELETE OR UPDATE OF deleted_at ON items
  FOR EACH ROW EXECUTE FUNCTION items_count_trigger();
