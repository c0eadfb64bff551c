package mongodb

import "time"

// bankDoc is a bank account for transfers, as sellers and checkouts keep it.
type bankDoc struct {
	BIN           string `bson:"bin"`
	AccountNumber string `bson:"accountNumber"`
	Holder        string `bson:"holder"`
}

// utc normalises a time as MongoDB stores it (UTC, millisecond precision),
// so that what is read back equals what was written.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}
