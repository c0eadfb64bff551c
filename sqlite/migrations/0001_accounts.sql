CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    phone         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,            -- comma-separated market.Role values
    region_id     TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,         -- Unix milliseconds, UTC (as every *_at column)
    updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,            -- hex SHA-256 of the token; the token itself is never stored
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);
CREATE INDEX sessions_account_id ON sessions(account_id);

-- Leases let one instance at a time run a background job (search sync, expiry, rollups).
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
