-- 020-pg-sales-references.sql: on PostgreSQL, the sales table's references
-- are checked by salespm, not by the database.
--
-- Every sale is written with ids salespm has just read (a CSV import resolves
-- each name against the catalog it loaded, a single sale its lookups), and
-- nothing a sale names can be deleted while a sale names it (a product,
-- channel, segment, promotion or project with sales is refused by its own
-- check; customers and users are never deleted). SQLite already writes an
-- import with its foreign keys off (bulk mode); on PostgreSQL each reference
-- of each line was a trigger run at commit: seven per line, most of an
-- import's time (14 s of 20 for 200,000 lines). `salespm db check` looks for
-- a sale whose references lead nowhere, on both backends.

-- @postgresql
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_project_id_fkey;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_customer_id_fkey;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_product_id_fkey;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_channel_id_fkey;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_rep_id_fkey;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_promotion_id_fkey;
ALTER TABLE sales DROP CONSTRAINT IF EXISTS sales_segment_id_fkey;
-- @end
