package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's costs. The defaults follow OWASP's
// recommendation (19 MiB, 2 passes, 1 lane) and take tens of milliseconds.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultHashParams are the costs used in production.
var DefaultHashParams = HashParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// hashPassword returns an encoded argon2id hash in the PHC string format.
func hashPassword(password string, hp HashParams) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("accounts: no randomness: " + err.Error())
	}
	key := argon2.IDKey([]byte(password), salt, hp.Time, hp.MemoryKiB, hp.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, hp.MemoryKiB, hp.Time, hp.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword reports whether password matches the encoded hash. It takes
// as long for a malformed hash as for a wrong password of the same costs.
func checkPassword(password, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var hp HashParams
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &hp.MemoryKiB, &hp.Time, &hp.Threads); err != nil {
		return false
	}
	if hp.MemoryKiB > 1<<20 || hp.Time > 16 || hp.Threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, hp.Time, hp.MemoryKiB, hp.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
