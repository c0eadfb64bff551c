package bleveindex

import (
	"slices"
	"strings"
	"sync"

	"github.com/ocopmarket/market/search"
)

// spellings knows, for each folded word of the products' names, how the
// names write it: "dua" is dứa, dừa and dưa, "hoa" is hoa (flower) and
// hoà. A word typed with marks then leaves out exactly the names that
// write it otherwise (asTyped), and a word no name writes otherwise costs
// nothing. (A name written entirely without marks has its words in their
// plain form too; the query keeps such names, whose plain words may mean
// anything.)
//
// It only grows: a product deleted or renamed leaves its spellings, which
// at worst make a search exclude a spelling no name has any more.
type spellings struct {
	mu    sync.RWMutex
	forms map[string][]string // folded word → the forms names write it in
}

func newSpellings() *spellings { return &spellings{forms: map[string][]string{}} }

// add records the words of a name as fieldMarked holds them (markedName).
func (s *spellings) add(marked string) {
	for _, w := range strings.Fields(marked) {
		if w == unmarkedName {
			continue
		}
		f := search.Fold(w)
		s.mu.RLock()
		known := slices.Contains(s.forms[f], w)
		s.mu.RUnlock()
		if known {
			continue
		}
		s.mu.Lock()
		if !slices.Contains(s.forms[f], w) {
			s.forms[f] = append(s.forms[f], w)
		}
		s.mu.Unlock()
	}
}

// of returns whether a name writes the folded word folded as marked, and
// the other forms names write it in.
func (s *spellings) of(folded, marked string) (written bool, others []string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, w := range s.forms[folded] {
		if w == marked {
			written = true
		} else {
			others = append(others, w)
		}
	}
	return written, others
}
