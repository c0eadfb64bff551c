package bleveindex

import (
	"fmt"
	"testing"

	"github.com/ocopmarket/market/search"
)

// Counting never grows past askedMost searches: when it would, the counts
// halve and the searches asked once are forgotten, so a crawler's stream
// of one-off searches never pushes out what buyers keep asking.
func TestAskedForgetsOneOffs(t *testing.T) {
	var a asked
	popular := search.Query{Text: "mật ong"}
	for i := range 3 * askedMost {
		if i%100 == 0 {
			a.add(popular)
		}
		a.add(search.Query{Text: fmt.Sprintf("x%d", i)})
		if len(a.counts) > askedMost {
			t.Fatalf("%d searches counted, at most %d", len(a.counts), askedMost)
		}
	}
	if most := a.most(1); len(most) != 1 || most[0] != popular {
		t.Errorf("most asked: %+v, want %+v", most, popular)
	}
	if n := len(a.most(warmMost)); n != warmMost {
		t.Errorf("%d searches for the warm list, want %d", n, warmMost)
	}
}
