-- Every construct strata models, written by hand as plain SQL, and a few it
-- does not (after the marker), which strata inspect must list. The table
-- with an auto_now column is created by strata itself, in the test.
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  slug TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX orgs_slug_key ON orgs (slug);

CREATE TABLE members (
  org_id BIGINT NOT NULL,
  user_no INT NOT NULL,
  email TEXT NOT NULL,
  mood TEXT NOT NULL DEFAULT 'happy' CHECK ("mood" IN ('happy', 'sad', 'PG-13')),
  score DOUBLE NOT NULL DEFAULT 0.5,
  ratio REAL,
  level SMALLINT NOT NULL DEFAULT 1,
  active BOOLEAN NOT NULL DEFAULT true,
  price NUMERIC(10,2) NOT NULL DEFAULT 0,
  avatar BLOB,
  nick TEXT DEFAULT (lower('NEW')),
  deleted_at TIMESTAMP,
  referrer_org BIGINT,
  CONSTRAINT members_pkey PRIMARY KEY (org_id, user_no),
  CONSTRAINT members_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT members_referrer_org_fkey FOREIGN KEY (referrer_org) REFERENCES orgs (id) ON DELETE SET NULL,
  CONSTRAINT members_level_check CHECK (level > 0),
  CONSTRAINT members_sane_check CHECK (score >= 0 OR NOT active)
);
CREATE UNIQUE INDEX members_org_email ON members (org_id, email);
CREATE INDEX members_email_idx ON members (email);
CREATE INDEX members_live ON members (org_id, mood) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX members_one_sad ON members (org_id) WHERE mood = 'sad';

INSERT INTO orgs (name, slug) VALUES ('Acme', 'acme');
INSERT INTO members (org_id, user_no, email) VALUES (1, 1, 'a@acme.test');

-- not in the model language
CREATE VIEW active_members AS SELECT * FROM members WHERE active;
CREATE INDEX members_lower_email ON members (lower(email));
CREATE TRIGGER members_touch AFTER UPDATE ON members BEGIN SELECT 1; END;
