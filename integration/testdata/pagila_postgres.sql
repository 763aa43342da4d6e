-- The Pagila sample database (github.com/devrimgunduz/pagila), after its
-- published PostgreSQL schema: the enum and the domains, the 15 tables with
-- their columns, types, sequences, keys, foreign keys with their actions and
-- indexes; payment partitioned by month; the trigger functions and their
-- triggers; the other functions and the aggregate; the views and the
-- materialized view. A few rows instead of the full data.

CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE DOMAIN "bıgınt" AS bigint;

-- Each table takes its key from a sequence of its own, which no column owns.
CREATE SEQUENCE actor_actor_id_seq;
CREATE SEQUENCE address_address_id_seq;
CREATE SEQUENCE category_category_id_seq;
CREATE SEQUENCE city_city_id_seq;
CREATE SEQUENCE country_country_id_seq;
CREATE SEQUENCE customer_customer_id_seq;
CREATE SEQUENCE film_film_id_seq;
CREATE SEQUENCE inventory_inventory_id_seq;
CREATE SEQUENCE language_language_id_seq;
CREATE SEQUENCE payment_payment_id_seq;
CREATE SEQUENCE rental_rental_id_seq;
CREATE SEQUENCE staff_staff_id_seq;
CREATE SEQUENCE store_store_id_seq;

CREATE TABLE actor (
  actor_id integer NOT NULL DEFAULT nextval('actor_actor_id_seq'),
  first_name text NOT NULL,
  last_name text NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT actor_pkey PRIMARY KEY (actor_id)
);
CREATE INDEX idx_actor_last_name ON actor (last_name);

CREATE TABLE category (
  category_id integer NOT NULL DEFAULT nextval('category_category_id_seq'),
  name text NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT category_pkey PRIMARY KEY (category_id)
);

CREATE TABLE country (
  country_id integer NOT NULL DEFAULT nextval('country_country_id_seq'),
  country text NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT country_pkey PRIMARY KEY (country_id)
);

CREATE TABLE city (
  city_id integer NOT NULL DEFAULT nextval('city_city_id_seq'),
  city text NOT NULL,
  country_id integer NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT city_pkey PRIMARY KEY (city_id),
  CONSTRAINT city_country_id_fkey FOREIGN KEY (country_id) REFERENCES country (country_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX idx_fk_country_id ON city (country_id);

CREATE TABLE address (
  address_id integer NOT NULL DEFAULT nextval('address_address_id_seq'),
  address text NOT NULL,
  address2 text,
  district text NOT NULL,
  city_id integer NOT NULL,
  postal_code text,
  phone text NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT address_pkey PRIMARY KEY (address_id),
  CONSTRAINT address_city_id_fkey FOREIGN KEY (city_id) REFERENCES city (city_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX idx_fk_city_id ON address (city_id);

-- store.manager_staff_id references no table in the published schema.
CREATE TABLE store (
  store_id integer NOT NULL DEFAULT nextval('store_store_id_seq'),
  manager_staff_id integer NOT NULL,
  address_id integer NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT store_pkey PRIMARY KEY (store_id),
  CONSTRAINT store_address_id_fkey FOREIGN KEY (address_id) REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE UNIQUE INDEX idx_unq_manager_staff_id ON store (manager_staff_id);

CREATE TABLE staff (
  staff_id integer NOT NULL DEFAULT nextval('staff_staff_id_seq'),
  first_name text NOT NULL,
  last_name text NOT NULL,
  address_id integer NOT NULL,
  email text,
  store_id integer NOT NULL,
  active boolean NOT NULL DEFAULT true,
  username text NOT NULL,
  password text,
  last_update timestamptz NOT NULL DEFAULT now(),
  picture bytea,
  CONSTRAINT staff_pkey PRIMARY KEY (staff_id),
  CONSTRAINT staff_address_id_fkey FOREIGN KEY (address_id) REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT staff_store_id_fkey FOREIGN KEY (store_id) REFERENCES store (store_id)
);

CREATE TABLE customer (
  customer_id integer NOT NULL DEFAULT nextval('customer_customer_id_seq'),
  store_id integer NOT NULL,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text,
  address_id integer NOT NULL,
  activebool boolean NOT NULL DEFAULT true,
  create_date date NOT NULL DEFAULT CURRENT_DATE,
  last_update timestamptz DEFAULT now(),
  active integer,
  CONSTRAINT customer_pkey PRIMARY KEY (customer_id),
  CONSTRAINT customer_address_id_fkey FOREIGN KEY (address_id) REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT customer_store_id_fkey FOREIGN KEY (store_id) REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX idx_fk_address_id ON customer (address_id);
CREATE INDEX idx_fk_store_id ON customer (store_id);
CREATE INDEX idx_last_name ON customer (last_name);

CREATE TABLE language (
  language_id integer NOT NULL DEFAULT nextval('language_language_id_seq'),
  name character(20) NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT language_pkey PRIMARY KEY (language_id)
);

CREATE TABLE film (
  film_id integer NOT NULL DEFAULT nextval('film_film_id_seq'),
  title text NOT NULL,
  description text,
  release_year year,
  language_id integer NOT NULL,
  original_language_id integer,
  rental_duration smallint NOT NULL DEFAULT 3,
  rental_rate numeric(4,2) NOT NULL DEFAULT 4.99,
  length smallint,
  replacement_cost numeric(5,2) NOT NULL DEFAULT 19.99,
  rating mpaa_rating DEFAULT 'G',
  last_update timestamptz NOT NULL DEFAULT now(),
  special_features text[],
  fulltext tsvector NOT NULL,
  CONSTRAINT film_pkey PRIMARY KEY (film_id),
  CONSTRAINT film_language_id_fkey FOREIGN KEY (language_id) REFERENCES language (language_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT film_original_language_id_fkey FOREIGN KEY (original_language_id) REFERENCES language (language_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX film_fulltext_idx ON film USING gist (fulltext);
CREATE INDEX idx_fk_language_id ON film (language_id);
CREATE INDEX idx_fk_original_language_id ON film (original_language_id);
CREATE INDEX idx_title ON film (title);

CREATE TABLE film_actor (
  actor_id integer NOT NULL,
  film_id integer NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT film_actor_pkey PRIMARY KEY (actor_id, film_id),
  CONSTRAINT film_actor_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES actor (actor_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT film_actor_film_id_fkey FOREIGN KEY (film_id) REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX idx_fk_film_id ON film_actor (film_id);

CREATE TABLE film_category (
  film_id integer NOT NULL,
  category_id integer NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT film_category_pkey PRIMARY KEY (film_id, category_id),
  CONSTRAINT film_category_category_id_fkey FOREIGN KEY (category_id) REFERENCES category (category_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT film_category_film_id_fkey FOREIGN KEY (film_id) REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT
);

CREATE TABLE inventory (
  inventory_id integer NOT NULL DEFAULT nextval('inventory_inventory_id_seq'),
  film_id integer NOT NULL,
  store_id integer NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inventory_pkey PRIMARY KEY (inventory_id),
  CONSTRAINT inventory_film_id_fkey FOREIGN KEY (film_id) REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT inventory_store_id_fkey FOREIGN KEY (store_id) REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX idx_store_id_film_id ON inventory (store_id, film_id);

CREATE TABLE rental (
  rental_id integer NOT NULL DEFAULT nextval('rental_rental_id_seq'),
  rental_date timestamptz NOT NULL,
  inventory_id integer NOT NULL,
  customer_id integer NOT NULL,
  return_date timestamptz,
  staff_id integer NOT NULL,
  last_update timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT rental_pkey PRIMARY KEY (rental_id),
  CONSTRAINT rental_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT rental_inventory_id_fkey FOREIGN KEY (inventory_id) REFERENCES inventory (inventory_id) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT rental_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX idx_fk_inventory_id ON rental (inventory_id);
CREATE UNIQUE INDEX idx_unq_rental_rental_date_inventory_id_customer_id ON rental (rental_date, inventory_id, customer_id);

-- payment is partitioned by month; its foreign keys and indexes are the
-- partitions' own (the last partition has none).
CREATE TABLE payment (
  payment_id integer NOT NULL DEFAULT nextval('payment_payment_id_seq'),
  customer_id integer NOT NULL,
  staff_id integer NOT NULL,
  rental_id integer NOT NULL,
  amount numeric(5,2) NOT NULL,
  payment_date timestamptz NOT NULL,
  PRIMARY KEY (payment_date, payment_id)
) PARTITION BY RANGE (payment_date);
CREATE TABLE payment_p2022_01 PARTITION OF payment FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00');
CREATE TABLE payment_p2022_02 PARTITION OF payment FOR VALUES FROM ('2022-02-01 00:00:00+00') TO ('2022-03-01 00:00:00+00');
CREATE TABLE payment_p2022_03 PARTITION OF payment FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 00:00:00+00');
CREATE TABLE payment_p2022_04 PARTITION OF payment FOR VALUES FROM ('2022-04-01 00:00:00+00') TO ('2022-05-01 00:00:00+00');
CREATE TABLE payment_p2022_05 PARTITION OF payment FOR VALUES FROM ('2022-05-01 00:00:00+00') TO ('2022-06-01 00:00:00+00');
CREATE TABLE payment_p2022_06 PARTITION OF payment FOR VALUES FROM ('2022-06-01 00:00:00+00') TO ('2022-07-01 00:00:00+00');
CREATE TABLE payment_p2022_07 PARTITION OF payment FOR VALUES FROM ('2022-07-01 00:00:00+00') TO ('2022-08-01 00:00:00+00');
DO $$
DECLARE
  p text;
BEGIN
  FOR m IN 1..6 LOOP
    p := format('payment_p2022_%s', lpad(m::text, 2, '0'));
    EXECUTE format('ALTER TABLE %1$I ADD CONSTRAINT %1$s_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (customer_id)', p);
    EXECUTE format('ALTER TABLE %1$I ADD CONSTRAINT %1$s_rental_id_fkey FOREIGN KEY (rental_id) REFERENCES rental (rental_id)', p);
    EXECUTE format('ALTER TABLE %1$I ADD CONSTRAINT %1$s_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff (staff_id)', p);
    EXECUTE format('CREATE INDEX idx_fk_%1$s_customer_id ON %1$I (customer_id)', p);
    EXECUTE format('CREATE INDEX idx_fk_%1$s_staff_id ON %1$I (staff_id)', p);
    EXECUTE format('CREATE INDEX %1$s_customer_id_idx ON %1$I (customer_id)', p);
  END LOOP;
END $$;

-- Functions, the aggregate and the triggers.
CREATE FUNCTION last_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.last_update = CURRENT_TIMESTAMP;
  RETURN NEW;
END $$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['actor', 'address', 'category', 'city', 'country', 'customer', 'film',
      'film_actor', 'film_category', 'inventory', 'language', 'rental', 'staff', 'store'] LOOP
    EXECUTE format('CREATE TRIGGER last_updated BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION last_updated()', t);
  END LOOP;
END $$;

CREATE TRIGGER film_fulltext_trigger BEFORE INSERT OR UPDATE ON film
  FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger('fulltext', 'pg_catalog.english', 'title', 'description');

CREATE FUNCTION _group_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END
$$;
CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text);

CREATE FUNCTION inventory_in_stock(p_inventory_id integer) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RETURN NOT EXISTS (SELECT 1 FROM rental WHERE inventory_id = p_inventory_id AND return_date IS NULL);
END $$;

CREATE FUNCTION inventory_held_by_customer(p_inventory_id integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_customer_id integer;
BEGIN
  SELECT customer_id INTO v_customer_id FROM rental WHERE return_date IS NULL AND inventory_id = p_inventory_id;
  RETURN v_customer_id;
END $$;

CREATE FUNCTION film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer) RETURNS SETOF integer LANGUAGE sql AS $$
  SELECT inventory_id FROM inventory WHERE film_id = $1 AND store_id = $2 AND inventory_in_stock(inventory_id);
$$;

CREATE FUNCTION film_not_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer) RETURNS SETOF integer LANGUAGE sql AS $$
  SELECT inventory_id FROM inventory WHERE film_id = $1 AND store_id = $2 AND NOT inventory_in_stock(inventory_id);
$$;

CREATE FUNCTION last_day(timestamptz) RETURNS date LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (date_trunc('month', $1) + interval '1 month' - interval '1 day')::date
$$;

-- The balance: the rental fees, a dollar a day overdue, less the payments.
CREATE FUNCTION get_customer_balance(p_customer_id integer, p_effective_date timestamptz) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  v_rentfees numeric(5,2);
  v_overfees integer;
  v_payments numeric(5,2);
BEGIN
  SELECT COALESCE(sum(f.rental_rate), 0) INTO v_rentfees
  FROM film f JOIN inventory i USING (film_id) JOIN rental r USING (inventory_id)
  WHERE r.rental_date <= p_effective_date AND r.customer_id = p_customer_id;
  SELECT COALESCE(sum(GREATEST(extract(day FROM r.return_date - r.rental_date) - f.rental_duration, 0)), 0) INTO v_overfees
  FROM film f JOIN inventory i USING (film_id) JOIN rental r USING (inventory_id)
  WHERE r.rental_date <= p_effective_date AND r.customer_id = p_customer_id;
  SELECT COALESCE(sum(amount), 0) INTO v_payments
  FROM payment WHERE payment_date <= p_effective_date AND customer_id = p_customer_id;
  RETURN v_rentfees + v_overfees - v_payments;
END $$;

-- The customers who paid more than min_dollar_amount_purchased in more than
-- min_monthly_purchases payments in the last month.
CREATE FUNCTION rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric) RETURNS SETOF customer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  last_month_start date := date_trunc('month', CURRENT_DATE - interval '3 month')::date;
BEGIN
  IF min_monthly_purchases = 0 THEN
    RAISE EXCEPTION 'Minimum monthly purchases parameter must be > 0';
  END IF;
  IF min_dollar_amount_purchased = 0.00 THEN
    RAISE EXCEPTION 'Minimum monthly dollar amount purchased parameter must be > $0.00';
  END IF;
  RETURN QUERY SELECT c.* FROM customer c WHERE c.customer_id IN (
    SELECT p.customer_id FROM payment p
    WHERE p.payment_date::date BETWEEN last_month_start AND last_day(last_month_start)
    GROUP BY p.customer_id
    HAVING sum(p.amount) > min_dollar_amount_purchased AND count(*) > min_monthly_purchases);
END $$;

-- Views.
CREATE VIEW actor_info AS
SELECT a.actor_id, a.first_name, a.last_name,
       group_concat(DISTINCT c.name || ': ' || (
         SELECT group_concat(f.title) FROM film f
         JOIN film_category fc2 ON f.film_id = fc2.film_id JOIN film_actor fa2 ON f.film_id = fa2.film_id
         WHERE fc2.category_id = c.category_id AND fa2.actor_id = a.actor_id GROUP BY fa2.actor_id)) AS film_info
FROM actor a LEFT JOIN film_actor fa ON a.actor_id = fa.actor_id
LEFT JOIN film_category fc ON fa.film_id = fc.film_id LEFT JOIN category c ON fc.category_id = c.category_id
GROUP BY a.actor_id, a.first_name, a.last_name;

CREATE VIEW customer_list AS
SELECT cu.customer_id AS id, cu.first_name || ' ' || cu.last_name AS name, a.address, a.postal_code AS "zip code",
       a.phone, city.city, country.country, CASE WHEN cu.activebool THEN 'active' ELSE '' END AS notes, cu.store_id AS sid
FROM customer cu JOIN address a ON cu.address_id = a.address_id
JOIN city ON a.city_id = city.city_id JOIN country ON city.country_id = country.country_id;

CREATE VIEW film_list AS
SELECT film.film_id AS fid, film.title, film.description, category.name AS category, film.rental_rate AS price,
       film.length, film.rating, group_concat(actor.first_name || ' ' || actor.last_name) AS actors
FROM category LEFT JOIN film_category ON category.category_id = film_category.category_id
LEFT JOIN film ON film_category.film_id = film.film_id
JOIN film_actor ON film.film_id = film_actor.film_id JOIN actor ON film_actor.actor_id = actor.actor_id
GROUP BY film.film_id, film.title, film.description, category.name, film.rental_rate, film.length, film.rating;

CREATE VIEW nicer_but_slower_film_list AS
SELECT film.film_id AS fid, film.title, film.description, category.name AS category, film.rental_rate AS price,
       film.length, film.rating, group_concat(initcap(actor.first_name) || ' ' || initcap(actor.last_name)) AS actors
FROM category LEFT JOIN film_category ON category.category_id = film_category.category_id
LEFT JOIN film ON film_category.film_id = film.film_id
JOIN film_actor ON film.film_id = film_actor.film_id JOIN actor ON film_actor.actor_id = actor.actor_id
GROUP BY film.film_id, film.title, film.description, category.name, film.rental_rate, film.length, film.rating;

CREATE VIEW sales_by_film_category AS
SELECT c.name AS category, sum(p.amount) AS total_sales
FROM payment p JOIN rental r ON p.rental_id = r.rental_id JOIN inventory i ON r.inventory_id = i.inventory_id
JOIN film f ON i.film_id = f.film_id JOIN film_category fc ON f.film_id = fc.film_id
JOIN category c ON fc.category_id = c.category_id
GROUP BY c.name ORDER BY sum(p.amount) DESC;

CREATE MATERIALIZED VIEW rental_by_category AS
SELECT * FROM sales_by_film_category WITH NO DATA;
CREATE UNIQUE INDEX rental_category ON rental_by_category (category);

CREATE VIEW sales_by_store AS
SELECT c.city || ',' || cy.country AS store, m.first_name || ' ' || m.last_name AS manager, sum(p.amount) AS total_sales
FROM payment p JOIN rental r ON p.rental_id = r.rental_id JOIN inventory i ON r.inventory_id = i.inventory_id
JOIN store s ON i.store_id = s.store_id JOIN address a ON s.address_id = a.address_id
JOIN city c ON a.city_id = c.city_id JOIN country cy ON c.country_id = cy.country_id
JOIN staff m ON s.manager_staff_id = m.staff_id
GROUP BY cy.country, c.city, s.store_id, m.first_name, m.last_name ORDER BY cy.country, c.city;

CREATE VIEW staff_list AS
SELECT s.staff_id AS id, s.first_name || ' ' || s.last_name AS name, a.address, a.postal_code AS "zip code",
       a.phone, city.city, country.country, s.store_id AS sid
FROM staff s JOIN address a ON s.address_id = a.address_id
JOIN city ON a.city_id = city.city_id JOIN country ON city.country_id = country.country_id;

-- A few rows.
INSERT INTO language (name) VALUES ('English'), ('Italian');
INSERT INTO country (country) VALUES ('Canada');
INSERT INTO city (city, country_id) VALUES ('Lethbridge', 1);
INSERT INTO address (address, district, city_id, postal_code, phone) VALUES ('47 MySakila Drive', 'Alberta', 1, '', '14033335568');
INSERT INTO store (manager_staff_id, address_id) VALUES (1, 1);
INSERT INTO staff (first_name, last_name, address_id, email, store_id, username) VALUES ('Mike', 'Hillyer', 1, 'mike@example.test', 1, 'Mike');
INSERT INTO customer (store_id, first_name, last_name, email, address_id, active) VALUES (1, 'MARY', 'SMITH', 'mary@example.test', 1, 1);
INSERT INTO actor (first_name, last_name) VALUES ('PENELOPE', 'GUINESS');
INSERT INTO category (name) VALUES ('Action');
INSERT INTO film (title, description, release_year, language_id, rating, special_features)
  VALUES ('ACADEMY DINOSAUR', 'An epic drama of a feminist and a mad scientist', 2006, 1, 'PG', '{"Deleted Scenes","Behind the Scenes"}');
INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1);
INSERT INTO film_category (film_id, category_id) VALUES (1, 1);
INSERT INTO inventory (film_id, store_id) VALUES (1, 1);
INSERT INTO rental (rental_date, inventory_id, customer_id, return_date, staff_id) VALUES ('2022-05-24 22:53:30+00', 1, 1, '2022-05-26 22:04:30+00', 1);
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) VALUES (1, 1, 1, 2.99, '2022-05-25 11:30:37+00');
