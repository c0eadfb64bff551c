package regions

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"

	"github.com/ocopmarket/market"
)

//go:embed regions.json
var embeddedJSON string

// Embedded returns the records built into the binary: the 34 provincial
// units in force since 1 July 2025 and the communes and wards known so far.
// Each call returns a fresh slice.
func Embedded() ([]Region, error) {
	records, lineErrs, err := ParseJSON(strings.NewReader(embeddedJSON))
	if err != nil {
		return nil, err
	}
	if len(lineErrs) > 0 {
		return nil, market.Wrap(lineErrs[0], market.Internal,
			"Dữ liệu địa bàn cài sẵn bị lỗi.", "The built-in region data is broken.")
	}
	return records, nil
}

// Load builds the tree from the embedded records merged with extra ones
// (typically an operator's imported commune list; see Merge).
func Load(extra []Region) (*Tree, error) {
	base, err := Embedded()
	if err != nil {
		return nil, err
	}
	return New(Merge(base, extra))
}

// Merge returns base with extra applied: a record of extra whose id is in
// base replaces the fields it sets (a rename, a new parent, a code) and
// keeps the rest; any other record of extra is added. No record of base is
// ever dropped. When extra repeats an id, the later record wins.
func Merge(base, extra []Region) []Region {
	out := slices.Clone(base)
	at := make(map[string]int, len(base)+len(extra))
	for i, r := range out {
		if _, dup := at[r.ID]; !dup {
			at[r.ID] = i
		}
	}
	for _, r := range extra {
		i, ok := at[r.ID]
		if !ok {
			at[r.ID] = len(out)
			out = append(out, r)
			continue
		}
		old := &out[i]
		if r.Name != "" {
			old.Name = r.Name
		}
		if r.Level != "" {
			old.Level = r.Level
		}
		if r.ParentID != "" || r.Level == LevelProvince {
			old.ParentID = r.ParentID
		}
		if r.Kind != "" {
			old.Kind = r.Kind
		}
		if r.Code != "" {
			old.Code = r.Code
		}
	}
	return out
}

// Tree is the validated region hierarchy. It never changes after New, so
// any number of goroutines may read it at once.
type Tree struct {
	nodes []node
	index map[string]int32
	// children of each node, and of the root (the provinces), sorted by name.
	children  [][]int32
	provinces []int32
}

type node struct {
	Region
	// path holds the indexes from the province down to this node, so
	// path[depth] is the node itself and an ancestor at depth d is path[d].
	path []int32
	// fullName is FullName's answer, made once: every product page asks.
	fullName string
}

func (n node) depth() int { return len(n.path) - 1 }

// New validates records and builds a tree from exactly them: ids unique,
// every parent present and of a higher level (provinces have none, which
// also rules out cycles), levels and kinds known. Names are normalised to
// NFC and trimmed. Errors name the offending record.
func New(records []Region) (*Tree, error) {
	t := &Tree{
		nodes: make([]node, len(records)),
		index: make(map[string]int32, len(records)),
	}
	var p market.Problems
	for i, r := range records {
		r.Name = cleanName(r.Name)
		if msg := check(r); msg.EN != "" {
			p.AddText(recordField(i, r.ID), msg)
			continue
		}
		if j, dup := t.index[r.ID]; dup {
			p.Add(recordField(i, r.ID),
				"Mã địa bàn \""+r.ID+"\" bị trùng với bản ghi số "+strconv.Itoa(int(j)+1)+".",
				"Region id \""+r.ID+"\" repeats record "+strconv.Itoa(int(j)+1)+".")
			continue
		}
		t.index[r.ID] = int32(i)
		t.nodes[i] = node{Region: r}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	for i := range t.nodes {
		n := &t.nodes[i]
		if n.ParentID == "" {
			continue
		}
		j, ok := t.index[n.ParentID]
		switch {
		case !ok:
			p.Add(recordField(i, n.ID),
				"Địa bàn \""+n.ID+"\" có cấp trên \""+clip(n.ParentID)+"\" không tồn tại.",
				"Region \""+n.ID+"\" has a parent \""+clip(n.ParentID)+"\" that does not exist.")
		case t.nodes[j].Level.rank() >= n.Level.rank():
			p.Add(recordField(i, n.ID),
				"Địa bàn \""+n.ID+"\" ("+string(n.Level)+") không thể nằm trong \""+n.ParentID+"\" ("+string(t.nodes[j].Level)+"): cấp trên phải là cấp cao hơn.",
				"Region \""+n.ID+"\" ("+string(n.Level)+") cannot lie inside \""+n.ParentID+"\" ("+string(t.nodes[j].Level)+"): a parent must be of a higher level.")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Parents have a strictly lower rank, so building paths in rank order
	// always finds the parent's path ready.
	order := make([]int32, len(t.nodes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		return t.nodes[a].Level.rank() - t.nodes[b].Level.rank()
	})
	t.children = make([][]int32, len(t.nodes))
	for _, i := range order {
		n := &t.nodes[i]
		if n.ParentID == "" {
			n.path = []int32{i}
			t.provinces = append(t.provinces, i)
			continue
		}
		j := t.index[n.ParentID]
		n.path = append(slices.Clip(t.nodes[j].path), i)
		t.children[j] = append(t.children[j], i)
	}
	for i := range t.nodes {
		n := &t.nodes[i]
		parts := make([]string, len(n.path))
		for k, j := range n.path {
			parts[len(n.path)-1-k] = t.nodes[j].DisplayName()
		}
		n.fullName = strings.Join(parts, ", ")
	}
	byName := func(a, b int32) int { return compareVietnamese(t.nodes[a].Name, t.nodes[b].Name) }
	slices.SortFunc(t.provinces, byName)
	for _, c := range t.children {
		slices.SortFunc(c, byName)
	}
	return t, nil
}

func recordField(i int, id string) string {
	if id == "" {
		return "records[" + strconv.Itoa(i) + "]"
	}
	return "records[" + strconv.Itoa(i) + "] " + clip(id)
}

// cleanName trims, collapses inner spaces and composes decomposed letters.
func cleanName(s string) string {
	return composeVietnamese(strings.Join(strings.Fields(s), " "))
}

func notFound(id string) error {
	return market.Errorf(market.NotFound,
		"Không tìm thấy địa bàn \""+clip(id)+"\".",
		"The region \""+clip(id)+"\" was not found.")
}

// Len is the number of regions.
func (t *Tree) Len() int { return len(t.nodes) }

// All returns every region, in the order they were given.
func (t *Tree) All() []Region {
	out := make([]Region, len(t.nodes))
	for i, n := range t.nodes {
		out[i] = n.Region
	}
	return out
}

// Lookup returns the region with the id, or a not_found error.
func (t *Tree) Lookup(id string) (Region, error) {
	i, ok := t.index[id]
	if !ok {
		return Region{}, notFound(id)
	}
	return t.nodes[i].Region, nil
}

// Has reports whether the id is a known region.
func (t *Tree) Has(id string) bool {
	_, ok := t.index[id]
	return ok
}

// Deliverable reports whether goods can be sent to id: a region of the
// tree, or a commune (a valid id, "province.commune") of a province whose
// communes the tree does not hold yet. Communes are loaded province by
// province, and buyers order from all 34.
func (t *Tree) Deliverable(id string) bool {
	if t.Has(id) {
		return true
	}
	province, commune, ok := strings.Cut(id, ".")
	i, known := t.index[province]
	return ok && known && commune != "" && !strings.Contains(commune, ".") && validID(id) &&
		t.nodes[i].Level == LevelProvince && len(t.children[i]) == 0
}

// Provinces returns the 34 provincial units (and any imported), sorted by
// Vietnamese name order.
func (t *Tree) Provinces() []Region { return t.regions(t.provinces) }

// Children returns the regions directly under parentID, sorted by
// Vietnamese name order; the provinces for "", nothing for an unknown id.
func (t *Tree) Children(parentID string) []Region {
	if parentID == "" {
		return t.Provinces()
	}
	i, ok := t.index[parentID]
	if !ok {
		return nil
	}
	return t.regions(t.children[i])
}

func (t *Tree) regions(idx []int32) []Region {
	out := make([]Region, len(idx))
	for k, i := range idx {
		out[k] = t.nodes[i].Region
	}
	return out
}

// Contains reports whether region id lies inside ancestorID or is it.
// Unknown ids are inside nothing and contain nothing. It costs two map
// lookups and one comparison.
func (t *Tree) Contains(ancestorID, id string) bool {
	a, ok := t.index[ancestorID]
	if !ok {
		return false
	}
	i, ok := t.index[id]
	if !ok {
		return false
	}
	d := t.nodes[a].depth()
	path := t.nodes[i].path
	return d < len(path) && path[d] == a
}

// Ancestors returns the id of the region and of every region above it,
// nearest first, ending with the province: what a search document stores
// so that a filter on any level matches. Nil for an unknown id.
func (t *Tree) Ancestors(id string) []string {
	i, ok := t.index[id]
	if !ok {
		return nil
	}
	path := t.nodes[i].path
	out := make([]string, len(path))
	for k, j := range path {
		out[len(path)-1-k] = t.nodes[j].ID
	}
	return out
}

// Path returns the region and every region above it, nearest first.
func (t *Tree) Path(id string) ([]Region, error) {
	i, ok := t.index[id]
	if !ok {
		return nil, notFound(id)
	}
	path := t.nodes[i].path
	out := make([]Region, len(path))
	for k, j := range path {
		out[len(path)-1-k] = t.nodes[j].Region
	}
	return out, nil
}

// ProvinceOf returns the province or centrally run city a region lies in
// (the region itself for a province).
func (t *Tree) ProvinceOf(id string) (Region, error) {
	i, ok := t.index[id]
	if !ok {
		return Region{}, notFound(id)
	}
	return t.nodes[t.nodes[i].path[0]].Region, nil
}

// FullName is the display name of the region followed by those above it,
// e.g. "Xã Thạnh Xuân, TP Cần Thơ". For an unknown id it returns the id
// unchanged, so that a page can still show something.
func (t *Tree) FullName(id string) string {
	i, ok := t.index[id]
	if !ok {
		return id
	}
	return t.nodes[i].fullName
}
