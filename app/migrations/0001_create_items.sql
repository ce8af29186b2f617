-- The collection. Money is integer cents; soft-deleted rows keep their data until restored.
CREATE TABLE items (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  style_number     text        CHECK (char_length(style_number) <= 20),
  birthday         date,
  tag_generation   smallint    CHECK (tag_generation BETWEEN 1 AND 20),
  condition        text        NOT NULL DEFAULT 'mint'
                   CHECK (condition IN ('mint', 'near_mint', 'excellent', 'good', 'fair', 'poor')),
  acquired_on      date,
  price_paid_cents bigint      CHECK (price_paid_cents >= 0),
  notes            text        CHECK (char_length(notes) <= 2000),
  photo_url        text        CHECK (char_length(photo_url) <= 2048),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  -- A retried POST with the same Idempotency-Key finds this row instead of inserting another.
  idempotency_key  text        UNIQUE,
  request_hash     text
);

-- Listing pages newest-first among live rows; the partial index also makes the total count cheap.
CREATE INDEX items_live_id_idx ON items (id DESC) WHERE deleted_at IS NULL;
CREATE INDEX items_deleted_id_idx ON items (id DESC) WHERE deleted_at IS NOT NULL;
