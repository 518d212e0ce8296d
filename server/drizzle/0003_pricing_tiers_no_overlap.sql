-- Two tiers of one item may never overlap in time: the database refuses it, so no race between
-- two admins can leave an ambiguous price. Dates are inclusive ('[]'); a null end is open-ended.
ALTER TABLE "pricing_tiers"
  ADD CONSTRAINT "pricing_tiers_no_overlap"
  EXCLUDE USING gist ("item_id" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&);
