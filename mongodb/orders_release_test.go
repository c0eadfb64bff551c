package mongodb

import "testing"

func TestReleaseKeyUpdate(t *testing.T) {
	got := extJSON(t, releaseKeyUpdate("01ck"))
	want := `[{"$set":{"idempotencyKey":{"$concat":["$idempotencyKey","#released:01ck"]}}}]`
	if got != want {
		t.Errorf("releaseKeyUpdate =\n%s\nwant\n%s", got, want)
	}
}
