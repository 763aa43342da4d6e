-- The Chinook sample database (github.com/lerocha/chinook-database), its 11
-- tables with their columns, keys, foreign keys and indexes, after the
-- published SQLite script, named in snake_case as the PostgreSQL script
-- (1.4.5) names them: strata's names are lowercase. The types are the
-- script's: NVARCHAR(n), NUMERIC(10,2) and DATETIME, which strata keeps with
-- type.sqlite=; the key columns are INTEGER PRIMARY KEY, and the columns that
-- reference them INTEGER too, which the models make BIGINT (listed). A few
-- rows instead of the full data.

CREATE TABLE artist (
    artist_id INTEGER PRIMARY KEY,
    name NVARCHAR(120)
);

CREATE TABLE album (
    album_id INTEGER PRIMARY KEY,
    title NVARCHAR(160) NOT NULL,
    artist_id INTEGER NOT NULL,
    CONSTRAINT album_artist_id_fkey FOREIGN KEY (artist_id) REFERENCES artist (artist_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE employee (
    employee_id INTEGER PRIMARY KEY,
    last_name NVARCHAR(20) NOT NULL,
    first_name NVARCHAR(20) NOT NULL,
    title NVARCHAR(30),
    reports_to INTEGER,
    birth_date DATETIME,
    hire_date DATETIME,
    address NVARCHAR(70),
    city NVARCHAR(40),
    state NVARCHAR(40),
    country NVARCHAR(40),
    postal_code NVARCHAR(10),
    phone NVARCHAR(24),
    fax NVARCHAR(24),
    email NVARCHAR(60),
    CONSTRAINT employee_reports_to_fkey FOREIGN KEY (reports_to) REFERENCES employee (employee_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE customer (
    customer_id INTEGER PRIMARY KEY,
    first_name NVARCHAR(40) NOT NULL,
    last_name NVARCHAR(20) NOT NULL,
    company NVARCHAR(80),
    address NVARCHAR(70),
    city NVARCHAR(40),
    state NVARCHAR(40),
    country NVARCHAR(40),
    postal_code NVARCHAR(10),
    phone NVARCHAR(24),
    fax NVARCHAR(24),
    email NVARCHAR(60) NOT NULL,
    support_rep_id INTEGER,
    CONSTRAINT customer_support_rep_id_fkey FOREIGN KEY (support_rep_id) REFERENCES employee (employee_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE genre (
    genre_id INTEGER PRIMARY KEY,
    name NVARCHAR(120)
);

CREATE TABLE invoice (
    invoice_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    invoice_date DATETIME NOT NULL,
    billing_address NVARCHAR(70),
    billing_city NVARCHAR(40),
    billing_state NVARCHAR(40),
    billing_country NVARCHAR(40),
    billing_postal_code NVARCHAR(10),
    total NUMERIC(10,2) NOT NULL,
    CONSTRAINT invoice_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (customer_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE invoice_line (
    invoice_line_id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL,
    track_id INTEGER NOT NULL,
    unit_price NUMERIC(10,2) NOT NULL,
    quantity INT NOT NULL,
    CONSTRAINT invoice_line_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoice (invoice_id) ON DELETE NO ACTION ON UPDATE NO ACTION,
    CONSTRAINT invoice_line_track_id_fkey FOREIGN KEY (track_id) REFERENCES track (track_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE media_type (
    media_type_id INTEGER PRIMARY KEY,
    name NVARCHAR(120)
);

CREATE TABLE playlist (
    playlist_id INTEGER PRIMARY KEY,
    name NVARCHAR(120)
);

CREATE TABLE playlist_track (
    playlist_id INTEGER NOT NULL,
    track_id INTEGER NOT NULL,
    CONSTRAINT playlist_track_pkey PRIMARY KEY (playlist_id, track_id),
    CONSTRAINT playlist_track_playlist_id_fkey FOREIGN KEY (playlist_id) REFERENCES playlist (playlist_id) ON DELETE NO ACTION ON UPDATE NO ACTION,
    CONSTRAINT playlist_track_track_id_fkey FOREIGN KEY (track_id) REFERENCES track (track_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE track (
    track_id INTEGER PRIMARY KEY,
    name NVARCHAR(200) NOT NULL,
    album_id INTEGER,
    media_type_id INTEGER NOT NULL,
    genre_id INTEGER,
    composer NVARCHAR(220),
    milliseconds INT NOT NULL,
    bytes INT,
    unit_price NUMERIC(10,2) NOT NULL,
    CONSTRAINT track_album_id_fkey FOREIGN KEY (album_id) REFERENCES album (album_id) ON DELETE NO ACTION ON UPDATE NO ACTION,
    CONSTRAINT track_genre_id_fkey FOREIGN KEY (genre_id) REFERENCES genre (genre_id) ON DELETE NO ACTION ON UPDATE NO ACTION,
    CONSTRAINT track_media_type_id_fkey FOREIGN KEY (media_type_id) REFERENCES media_type (media_type_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE INDEX album_artist_id_idx ON album (artist_id);

CREATE INDEX customer_support_rep_id_idx ON customer (support_rep_id);

CREATE INDEX employee_reports_to_idx ON employee (reports_to);

CREATE INDEX invoice_customer_id_idx ON invoice (customer_id);

CREATE INDEX invoice_line_invoice_id_idx ON invoice_line (invoice_id);

CREATE INDEX invoice_line_track_id_idx ON invoice_line (track_id);

CREATE INDEX playlist_track_playlist_id_idx ON playlist_track (playlist_id);

CREATE INDEX playlist_track_track_id_idx ON playlist_track (track_id);

CREATE INDEX track_album_id_idx ON track (album_id);

CREATE INDEX track_genre_id_idx ON track (genre_id);

CREATE INDEX track_media_type_id_idx ON track (media_type_id);

INSERT INTO genre (name) VALUES ('Rock'), ('Jazz');
INSERT INTO media_type (name) VALUES ('MPEG audio file'), ('AAC audio file');
INSERT INTO artist (name) VALUES ('AC/DC'), ('Accept');
INSERT INTO album (title, artist_id) VALUES ('For Those About To Rock We Salute You', 1), ('Balls to the Wall', 2);
INSERT INTO track (name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price)
VALUES ('For Those About To Rock (We Salute You)', 1, 1, 1, 'Angus Young, Malcolm Young, Brian Johnson', 343719, 11170334, 0.99),
       ('Balls to the Wall', 2, 2, 1, NULL, 342562, 5510424, 0.99);
INSERT INTO employee (last_name, first_name, title, birth_date, hire_date, email)
VALUES ('Adams', 'Andrew', 'General Manager', '1962-02-18', '2002-08-14', 'andrew@chinookcorp.com');
INSERT INTO employee (last_name, first_name, title, reports_to, email)
VALUES ('Edwards', 'Nancy', 'Sales Manager', 1, 'nancy@chinookcorp.com');
INSERT INTO customer (first_name, last_name, country, email, support_rep_id)
VALUES ('Luís', 'Gonçalves', 'Brazil', 'luisg@embraer.com.br', 2);
INSERT INTO invoice (customer_id, invoice_date, billing_country, total) VALUES (1, '2021-01-01', 'Brazil', 1.98);
INSERT INTO invoice_line (invoice_id, track_id, unit_price, quantity) VALUES (1, 1, 0.99, 1), (1, 2, 0.99, 1);
INSERT INTO playlist (name) VALUES ('Music');
INSERT INTO playlist_track (playlist_id, track_id) VALUES (1, 1), (1, 2);
