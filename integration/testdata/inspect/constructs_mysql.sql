-- Every construct strata models, written by hand as plain SQL for MySQL and
-- MariaDB, and a few it does not (after the marker), which strata inspect
-- must list. The table with an auto_now column is created by strata itself,
-- in the test.
CREATE TABLE orgs (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  slug VARCHAR(200) NOT NULL,
  settings JSON NOT NULL DEFAULT '{}',
  extra JSON,
  token CHAR(36),
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT orgs_pkey PRIMARY KEY (id),
  CONSTRAINT orgs_slug_key UNIQUE (slug)
);

CREATE TABLE members (
  org_id BIGINT NOT NULL,
  user_no INT NOT NULL,
  email VARCHAR(320) NOT NULL,
  mood ENUM('happy', 'sad', 'PG-13') NOT NULL DEFAULT 'happy',
  score DOUBLE NOT NULL DEFAULT 0.5,
  ratio FLOAT,
  level SMALLINT NOT NULL DEFAULT 1,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  price DECIMAL(10,2) NOT NULL DEFAULT 0,
  avatar LONGBLOB,
  notes LONGTEXT,
  nick VARCHAR(40) DEFAULT (LOWER('NEW')),
  deleted_at DATETIME(6),
  referrer_org BIGINT,
  CONSTRAINT members_pkey PRIMARY KEY (org_id, user_no),
  CONSTRAINT members_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT members_referrer_org_fkey FOREIGN KEY (referrer_org) REFERENCES orgs (id) ON DELETE SET NULL,
  CONSTRAINT members_org_email UNIQUE (org_id, email),
  CONSTRAINT members_level_check CHECK (level > 0),
  CONSTRAINT members_sane_check CHECK (score >= 0 OR NOT active)
);
CREATE INDEX members_email_idx ON members (email);
CREATE INDEX members_org_mood ON members (org_id, mood);

INSERT INTO orgs (name, slug) VALUES ('Acme', 'acme');
INSERT INTO members (org_id, user_no, email) VALUES (1, 1, 'a@acme.test');

-- not in the model language
CREATE VIEW active_members AS SELECT * FROM members WHERE active;
ALTER TABLE members ADD COLUMN email_domain VARCHAR(320) AS (SUBSTRING_INDEX(email, '@', -1)) VIRTUAL;
CREATE FULLTEXT INDEX members_notes_ft ON members (notes);
CREATE TRIGGER members_touch BEFORE UPDATE ON members FOR EACH ROW SET NEW.email = TRIM(NEW.email);
