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
// It only grows: a product deleted or renamed leaves its spellings, and a
// search asks the index which of them names still write (asTyped).
type spellings struct {
	mu     sync.RWMutex
	byWord map[string][]string // folded word → the forms names write it in
}

func newSpellings() *spellings { return &spellings{byWord: map[string][]string{}} }

// add records the words of a name as fieldMarked holds them (markedName).
func (s *spellings) add(marked string) {
	if s == nil {
		return
	}
	for _, w := range strings.Fields(marked) {
		if w == unmarkedName {
			continue
		}
		f := search.Fold(w)
		s.mu.RLock()
		known := slices.Contains(s.byWord[f], w)
		s.mu.RUnlock()
		if known {
			continue
		}
		s.mu.Lock()
		if !slices.Contains(s.byWord[f], w) {
			s.byWord[f] = append(s.byWord[f], w)
		}
		s.mu.Unlock()
	}
}

// forms returns the forms names have written the folded word in.
func (s *spellings) forms(folded string) []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.byWord[folded])
}
