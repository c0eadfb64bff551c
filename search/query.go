package search

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// Sort orders the products found.
type Sort string

// The sorts. Except for relevance with query text, where the engine
// ranks equal matches its own way, ties are broken by product id, so pages
// never overlap.
const (
	// SortRelevance puts the best matches first; without query text it
	// puts the best-selling first.
	SortRelevance Sort = "relevance"
	SortPriceAsc  Sort = "price_asc"
	SortPriceDesc Sort = "price_desc"
	// SortStarsDesc puts the highest OCOP rating first.
	SortStarsDesc   Sort = "stars_desc"
	SortNewest      Sort = "newest"
	SortBestselling Sort = "bestselling"
)

// Sorts lists every sort, the default first.
func Sorts() []Sort {
	return []Sort{SortRelevance, SortPriceAsc, SortPriceDesc, SortStarsDesc, SortNewest, SortBestselling}
}

// Limits of a query.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxPage keeps deep paging, which costs the engines dearly, in check.
	MaxPage = 1000
	// MaxTextLength is the most characters of query text, after trimming.
	MaxTextLength = 200
)

// Query asks for products. Its zero value browses everything, best-selling
// first, DefaultPerPage at a time.
type Query struct {
	Text       string
	CategoryID string // and its sub-categories
	RegionID   string // and every region under it
	SellerID   string
	MinStars   int        // 0: any, certified or not
	MinPrice   market.VND // 0: no minimum
	MaxPrice   market.VND // 0: no maximum
	InStock    bool       // only products in stock
	Sort       Sort       // "": SortRelevance
	Page       int        // from 1; 0: 1
	PerPage    int        // 0: DefaultPerPage
	// Typing: the last word may be unfinished (search as you type,
	// Suggest). In a search sent whole, a last word typed with marks that
	// product names write so is that word, not the start of others: "cá"
	// is not cái nor cát. Typed without marks, the last word is always
	// also a start.
	Typing bool
}

// Normalize validates q and returns it with its text trimmed and the
// defaults filled in. Problems are reported under the names of the HTTP
// query parameters.
func (q Query) Normalize() (Query, error) {
	var p market.Problems
	q.Text = strings.TrimSpace(q.Text)
	if !utf8.ValidString(q.Text) {
		p.Add("q", "Từ khóa chứa ký tự không hợp lệ.", "The search text contains invalid characters.")
	} else if utf8.RuneCountInString(q.Text) > MaxTextLength {
		p.Add("q", "Từ khóa tối đa 200 ký tự.", "The search text is limited to 200 characters.")
	} else if Everything(q.Text) {
		q.Text = "" // "đặc sản": every product
	}
	checkID(&p, "categoryId", q.CategoryID)
	checkID(&p, "regionId", q.RegionID)
	checkID(&p, "sellerId", q.SellerID)
	if q.MinStars < 0 || q.MinStars > 5 {
		p.Add("stars", "Số sao phải từ 0 đến 5.", "Stars must be between 0 and 5.")
	}
	if q.MinPrice < 0 || q.MinPrice > market.MaxVND {
		p.Add("minPriceVnd", "Giá thấp nhất không hợp lệ.", "The minimum price is not valid.")
	}
	if q.MaxPrice < 0 || q.MaxPrice > market.MaxVND {
		p.Add("maxPriceVnd", "Giá cao nhất không hợp lệ.", "The maximum price is not valid.")
	} else if q.MaxPrice > 0 && q.MinPrice > q.MaxPrice {
		p.Add("maxPriceVnd", "Giá cao nhất phải không nhỏ hơn giá thấp nhất.", "The maximum price must not be below the minimum price.")
	}
	if q.Sort == "" {
		q.Sort = SortRelevance
	}
	if !validSort(q.Sort) {
		p.Add("sort", "Cách sắp xếp không hợp lệ: relevance, price_asc, price_desc, stars_desc, newest hoặc bestselling.",
			"Unknown sort: use relevance, price_asc, price_desc, stars_desc, newest or bestselling.")
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > MaxPage {
		p.Add("page", "Số trang phải từ 1 đến 1000.", "The page must be between 1 and 1000.")
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		p.Add("perPage", "Mỗi trang từ 1 đến 100 sản phẩm.", "perPage must be between 1 and 100.")
	}
	if err := p.Err(); err != nil {
		return Query{}, err
	}
	return q, nil
}

// Validate reports whether q can be searched; see Normalize.
func (q Query) Validate() error {
	_, err := q.Normalize()
	return err
}

// Offset is how many products come before q's page.
func (q Query) Offset() int { return (max(q.Page, 1) - 1) * q.limit() }

func (q Query) limit() int {
	if q.PerPage == 0 {
		return DefaultPerPage
	}
	return q.PerPage
}

func validSort(s Sort) bool {
	for _, known := range Sorts() {
		if s == known {
			return true
		}
	}
	return false
}

func checkID(p *market.Problems, param, id string) {
	if id != "" && !ValidID(id) {
		p.Add(param, "Mã không hợp lệ.", "Not a valid id.")
	}
}

// ParseQuery reads a query from URL query parameters as the HTTP API
// names them (q, categoryId, regionId, sellerId, stars, minPriceVnd,
// maxPriceVnd, inStock, sort, page, perPage) and validates it. Unknown
// parameters are ignored; a repeated one counts once, first value first.
func ParseQuery(params map[string][]string) (Query, error) {
	get := func(name string) string {
		if v := params[name]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	var p market.Problems
	number := func(name string, min, max int) int {
		s := get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			p.Add(name, "Phải là số nguyên từ "+strconv.Itoa(min)+" đến "+strconv.Itoa(max)+".",
				"Must be a whole number from "+strconv.Itoa(min)+" to "+strconv.Itoa(max)+".")
		}
		return n
	}
	money := func(name string) market.VND {
		s := get(name)
		if s == "" {
			return 0
		}
		v, err := market.ParseVND(s)
		if err != nil {
			p.Add(name, "Số tiền không hợp lệ: hãy nhập số đồng, ví dụ 25000.", "Not a valid amount: write whole đồng, e.g. 25000.")
		}
		return v
	}
	q := Query{
		Text:       get("q"),
		CategoryID: get("categoryId"),
		RegionID:   get("regionId"),
		SellerID:   get("sellerId"),
		MinStars:   number("stars", 0, 5),
		MinPrice:   money("minPriceVnd"),
		MaxPrice:   money("maxPriceVnd"),
		Sort:       Sort(get("sort")),
		Page:       number("page", 1, MaxPage),
		PerPage:    number("perPage", 1, MaxPerPage),
	}
	switch strings.ToLower(get("inStock")) {
	case "", "false", "0":
	case "true", "1":
		q.InStock = true
	default:
		p.Add("inStock", "Phải là true hoặc false.", "Must be true or false.")
	}
	q, err := q.Normalize()
	var e *market.Error
	if errors.As(err, &e) {
		for field, text := range e.Fields {
			p.AddText(field, text)
		}
	}
	if perr := p.Err(); perr != nil {
		return Query{}, perr
	}
	return q, err
}
