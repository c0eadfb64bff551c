package httpserver

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// reqContext is a request's context: the connection's, with the request's
// record as its one value, ended by the request's deadline. The deadline
// arms a timer only when something waits on it (Done, or a context made
// from this one): a product page from memory never does, and a timer per
// request, made and stopped, was a tenth of the allocations of such a page.
// Until it is armed, Err compares the clock with the deadline itself
// (context.Cause, which asks no method, reports the connection's cause
// until then).
type reqContext struct {
	context.Context // the connection's
	info            *reqInfo
	deadline        time.Time

	mu    sync.Mutex // arms one timer
	armed atomic.Pointer[armedContext]
}

// armedContext is the connection's context with the deadline.
type armedContext struct {
	context.Context
	cancel context.CancelFunc
}

func newReqContext(parent context.Context, info *reqInfo, timeout time.Duration) *reqContext {
	d := time.Now().Add(timeout)
	if pd, ok := parent.Deadline(); ok && pd.Before(d) {
		d = pd
	}
	return &reqContext{Context: parent, info: info, deadline: d}
}

func (c *reqContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Value answers the request's record, and asks the armed context for the
// rest once there is one: package context finds the cancellation of a
// parent, and context.Cause its cause, by a value.
func (c *reqContext) Value(key any) any {
	if key == keyInfo {
		return c.info
	}
	if a := c.armed.Load(); a != nil {
		return a.Value(key)
	}
	return c.Context.Value(key)
}

func (c *reqContext) Done() <-chan struct{} { return c.arm().Done() }

// Err is nil while the connection is open and the deadline ahead; after,
// it is the armed context's, so that it never changes once set.
func (c *reqContext) Err() error {
	if a := c.armed.Load(); a != nil {
		return a.Err()
	}
	if c.Context.Err() == nil && time.Now().Before(c.deadline) {
		return nil
	}
	return c.arm().Err()
}

// AfterFunc lets a context made from this one end with it without a
// goroutine of its own waiting (what package context does for a parent
// of a type it does not know).
func (c *reqContext) AfterFunc(f func()) func() bool { return context.AfterFunc(c.arm(), f) }

func (c *reqContext) arm() *armedContext {
	if a := c.armed.Load(); a != nil {
		return a
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.armed.Load(); a != nil {
		return a
	}
	ctx, cancel := context.WithDeadline(c.Context, c.deadline)
	a := &armedContext{ctx, cancel}
	c.armed.Store(a)
	return a
}

// end stops the timer, if one was armed.
func (c *reqContext) end() {
	if a := c.armed.Load(); a != nil {
		a.cancel()
	}
}
