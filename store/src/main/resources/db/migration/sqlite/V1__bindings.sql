-- Registrar bindings (RFC 3261 §10, RFC 5626). One row per contact of an AOR.
-- Times are epoch milliseconds. Push parameters (RFC 8599) will live in their own table that references
-- binding(aor, binding_key) with ON DELETE CASCADE, so rows here are updated in place, never deleted and re-inserted.
CREATE TABLE binding (
    aor          TEXT    NOT NULL,
    binding_key  TEXT    NOT NULL,
    contact      TEXT    NOT NULL,
    instance_id  TEXT,
    reg_id       INTEGER,
    q            REAL    NOT NULL,  -- -1 when the UA sent no q
    call_id      TEXT    NOT NULL,
    cseq         INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    path         TEXT,
    flow         TEXT,
    source       TEXT,
    user_agent   TEXT,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (aor, binding_key)
);

CREATE INDEX binding_expires_at ON binding (expires_at);
