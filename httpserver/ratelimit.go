package httpserver

import (
	"math"
	"sync"
	"time"

	"github.com/ocopmarket/market"
)

// limiter is a set of token buckets, one per key (a phone, an address…).
// Each key may spend Burst requests at once and regains one every Every.
type limiter struct {
	burst float64
	every time.Duration
	now   func() time.Time
	// msg is what a refusal says, when not errRateLimited.
	msg market.Text

	mu      sync.Mutex
	buckets map[string]*bucket
	sweepAt time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, every time.Duration) *limiter {
	return &limiter{burst: float64(burst), every: every, now: time.Now, buckets: map[string]*bucket{}}
}

// allow spends one token of key. When none is left it reports how long to
// wait for the next one.
func (l *limiter) allow(key string) (bool, time.Duration) { return l.take(key, true) }

// has reports whether key has a token left, without spending it.
func (l *limiter) has(key string) (bool, time.Duration) { return l.take(key, false) }

// spend takes one token of key, if any is left.
func (l *limiter) spend(key string) { l.take(key, true) }

func (l *limiter) take(key string, spend bool) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	if b.tokens >= 1 {
		if spend {
			b.tokens--
		}
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.every))
}

// sweep drops buckets that have refilled, so memory stays bounded by the
// keys seen in the last burst×every.
func (l *limiter) sweep(now time.Time) {
	if now.Before(l.sweepAt) {
		return
	}
	full := time.Duration(l.burst * float64(l.every))
	for k, b := range l.buckets {
		if now.Sub(b.at) > full {
			delete(l.buckets, k)
		}
	}
	l.sweepAt = now.Add(time.Minute)
}

// limits are the rate limits of the marketplace. Off (nil limiters) for load tests.
type limits struct {
	on bool
	// signInPhone: guessing one account's password.
	signInPhone *limiter
	// signInAddr: one address trying many accounts. Generous, because many
	// Vietnamese mobile users share one carrier address.
	signInAddr *limiter
	// signUpAddr: account creation from one address.
	signUpAddr *limiter
	// checkoutBuyer: checkouts that reserve stock, per buyer (account, or a
	// guest's phone). Refused checkouts (a typo in the address, not enough
	// stock) and replays of one idempotency key do not count: a person
	// correcting mistakes never meets it, a script holding stock does.
	checkoutBuyer *limiter
	// checkoutAddr: checkouts and guest lookups per address; generous, as above.
	checkoutAddr *limiter
}

func newLimits(on bool) *limits {
	return &limits{
		on:          on,
		signInPhone: newLimiter(10, time.Minute).saying(errSignInLimited),
		signInAddr:  newLimiter(100, 2*time.Second),
		signUpAddr:  newLimiter(30, 10*time.Second),

		checkoutBuyer: newLimiter(20, 6*time.Second),
		checkoutAddr:  newLimiter(300, 200*time.Millisecond),
	}
}

var (
	errRateLimited = market.T("Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.", "Too many attempts. Please try again in a few minutes.")
	// errSignInLimited is the refusal of the limit on one phone number's
	// sign-ins: its owner, who did nothing too fast, learns why.
	errSignInLimited = market.T("Số điện thoại này đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
		"Too many failed sign-ins for this phone number. Please try again in a few minutes.")
)

// saying sets what a refusal of l says.
func (l *limiter) saying(msg market.Text) *limiter {
	l.msg = msg
	return l
}

// check spends one token from each (limiter, key) pair and returns a
// rate_limited error with Retry-After when any is exhausted.
func (ls *limits) check(pairs ...any) error {
	if !ls.on {
		return nil
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		l, key := pairs[i].(*limiter), pairs[i+1].(string)
		if ok, wait := l.allow(key); !ok {
			return l.refusal(wait)
		}
	}
	return nil
}

// ready is check without spending: it refuses only when key has no token
// left. The caller spends one with used once the request turns out to count.
func (ls *limits) ready(l *limiter, key string) error {
	if !ls.on {
		return nil
	}
	if ok, wait := l.has(key); !ok {
		return l.refusal(wait)
	}
	return nil
}

// used spends one token of key.
func (ls *limits) used(l *limiter, key string) {
	if ls.on {
		l.spend(key)
	}
}

func rateLimited(wait time.Duration) error {
	return &market.Error{Code: market.RateLimited, Message: errRateLimited, RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
}

// refusal is rateLimited with what l says.
func (l *limiter) refusal(wait time.Duration) error {
	err := rateLimited(wait).(*market.Error)
	if l.msg != (market.Text{}) {
		err.Message = l.msg
	}
	return err
}
