package sqlite

import (
	"context"
	"time"
)

// AcquireLease takes or renews the named lease for holder until now+ttl. It
// reports false when another holder has it and it has not expired. Background
// jobs call it before each round, so only one instance runs each job.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := db.Now()
	res, err := db.write.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
		name, holder, millis(now.Add(ttl)), millis(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease gives up the named lease if holder has it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
	return err
}

// ReleaseAllLeases gives up every lease, whoever holds it. Only a server
// that knows it is the one process using this file may call it: at start,
// the leases of an ocopd that was killed (its random holder name gone with
// it) would otherwise keep the background jobs, search syncing among them,
// waiting for up to their time to live.
func (db *DB) ReleaseAllLeases(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM leases`)
	return err
}
