package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/regions"
)

// goods are what Mekong Delta households sell, by category: a base name
// and the units it is sold in. Several use a regional word that search
// must match through a synonym (khóm = thơm = dứa, mận = roi, heo = lợn …).
var goods = map[string][]struct {
	name  string
	units []string
}{
	"trai-cay": {
		{"Bưởi Năm Roi", []string{"kg", "trái"}}, {"Bưởi da xanh", []string{"kg", "trái"}},
		{"Xoài cát Hòa Lộc", []string{"kg"}}, {"Khóm Cầu Đúc", []string{"trái", "kg"}},
		{"Thơm Tắc Cậu", []string{"trái"}}, {"Mận hồng đào", []string{"kg"}},
		{"Sầu riêng Ri6", []string{"kg"}}, {"Chôm chôm Java", []string{"kg"}},
		{"Dừa xiêm xanh", []string{"trái"}}, {"Cam sành", []string{"kg"}},
		{"Quýt hồng Lai Vung", []string{"kg"}}, {"Vú sữa Lò Rèn", []string{"kg"}},
		{"Măng cụt", []string{"kg"}}, {"Chuối xiêm", []string{"kg"}},
	},
	"rau-cu": {
		{"Hoa súng", []string{"bó"}}, {"Bông điên điển", []string{"bó", "kg"}},
		{"Khoai lang tím Bình Tân", []string{"kg"}}, {"Bắp nếp", []string{"trái"}},
		{"Rau muống", []string{"bó"}}, {"Nấm rơm", []string{"kg"}},
	},
	"gao-ngu-coc": {
		{"Gạo ST25", []string{"kg", "túi"}}, {"Gạo nàng thơm chợ Đào", []string{"kg"}},
		{"Gạo lứt huyết rồng", []string{"kg", "túi"}}, {"Đậu phộng", []string{"kg"}},
	},
	"thuy-san": {
		{"Cá lóc đồng", []string{"kg"}}, {"Tôm càng xanh", []string{"kg"}},
		{"Cá tra fillet", []string{"kg"}}, {"Ốc bươu", []string{"kg"}},
	},
	"thit-trung": {
		{"Thịt heo rừng lai", []string{"kg"}}, {"Trứng vịt", []string{"khay", "hộp"}},
		{"Lạp xưởng tươi", []string{"kg", "hộp"}},
	},
	"kho-mam": {
		{"Khô cá lóc", []string{"kg", "túi"}}, {"Khô cá sặc bổi", []string{"kg"}},
		{"Mắm cá linh", []string{"hũ", "kg"}}, {"Mắm thái Châu Đốc", []string{"hũ"}},
		{"Tôm khô Cà Mau", []string{"túi", "kg"}},
	},
	"mat-ong": {
		{"Mật ong hoa tràm U Minh", []string{"chai"}}, {"Mật ong hoa nhãn", []string{"chai"}},
		{"Mật ong rừng", []string{"chai", "hũ"}},
	},
	"duong-banh-keo": {
		{"Kẹo dừa Bến Tre", []string{"hộp", "túi"}}, {"Bánh pía sầu riêng", []string{"hộp"}},
		{"Đường thốt nốt", []string{"kg", "túi"}}, {"Bánh phồng tôm", []string{"túi"}},
	},
	"gia-vi": {
		{"Tiêu đen", []string{"hũ", "kg"}}, {"Nước mắm cá cơm", []string{"chai"}},
		{"Muối ớt tôm", []string{"hũ"}},
	},
	"ca-phe-tra": {
		{"Trà mãng cầu", []string{"hộp"}}, {"Cà phê rang xay", []string{"túi"}},
		{"Trà bông sen", []string{"hộp"}},
	},
	"ruou": {
		{"Rượu nếp Phú Lễ", []string{"chai"}}, {"Rượu sim", []string{"chai"}},
	},
	"hoa-cay-canh": {
		{"Mai vàng Cái Mơn", []string{"cây", "chậu"}}, {"Kiểng lá", []string{"chậu"}},
		{"Lan hồ điệp", []string{"chậu"}},
	},
	"thu-cong": {
		{"Giỏ lục bình", []string{"cái"}}, {"Chiếu lác", []string{"cái"}},
		{"Nón lá", []string{"cái"}},
	},
}

var qualifiers = []string{
	"loại 1", "sạch", "hữu cơ", "VietGAP", "đặc sản", "tươi", "nhà vườn", "xuất khẩu",
	"túi 500g", "hộp quà", "chính gốc", "OCOP", "thượng hạng", "mới thu hoạch",
}

var makers = []string{
	"Cô Ba", "Chú Tư", "Út Hiền", "Bảy Lúa", "Sáu Dũng", "Hai Lành", "Năm Thơ", "Tám Mến",
	"Lê Sánh", "Phú Hữu", "Mỹ Khánh", "Thới Lai", "Long Mỹ", "Tri Tôn",
}

var sellerKinds = []string{"household", "household", "household", "cooperative", "enterprise"}

// dataset is the reproducible catalogue a run seeds: the same seed gives
// the same sellers and products, in the same order.
type dataset struct {
	seed     uint64
	sellers  []sellerSpec
	products []productSpec
	communes []regions.Region
	// categories are the leaf categories products are listed in.
	categories []string
}

type sellerSpec struct {
	name, kind, phone, regionID, address string
}

type productSpec struct {
	seller      int // index into sellers
	name        string
	categoryID  string
	unit        string
	priceVND    int64
	stock       int64
	regionID    string
	stars       int // 0: no OCOP certificate
	certificate string
}

// hotStock is the stock of the hot products of the checkout scenario: a
// tenth run out during a run (so that overselling would show), the others
// do not.
func hotStock(i int) int64 {
	if i%10 == 0 {
		return 40
	}
	return 1_000_000
}

// newDataset generates sellers and products. The first hot products get the
// stocks of hotStock.
func newDataset(seed uint64, nSellers, nProducts, hot int) (*dataset, error) {
	all, err := regions.Embedded()
	if err != nil {
		return nil, err
	}
	d := &dataset{seed: seed}
	for _, r := range all {
		if r.ParentID == "can-tho" || r.ParentID == "an-giang" || r.ParentID == "vinh-long" || r.ParentID == "dong-thap" || r.ParentID == "ca-mau" {
			d.communes = append(d.communes, r)
		}
	}
	if len(d.communes) == 0 {
		return nil, fmt.Errorf("no Mekong Delta communes in the region data")
	}
	for _, c := range catalog.Categories() {
		if _, ok := goods[c.ID]; ok {
			d.categories = append(d.categories, c.ID)
		}
	}
	if len(d.categories) == 0 {
		return nil, fmt.Errorf("none of the generator's categories is in the catalogue")
	}
	rng := rand.New(rand.NewPCG(seed, 0x0c0b))
	for i := 0; i < nSellers; i++ {
		c := d.communes[rng.IntN(len(d.communes))]
		kind := sellerKinds[rng.IntN(len(sellerKinds))]
		maker := makers[rng.IntN(len(makers))]
		var name string
		switch kind {
		case "cooperative":
			name = "HTX " + c.Name + " " + maker
		case "enterprise":
			name = "Công ty TNHH " + maker + " " + c.Name
		default:
			name = "Hộ " + maker + " " + c.Name
		}
		d.sellers = append(d.sellers, sellerSpec{
			name:     fmt.Sprintf("%s %d", name, i+1),
			kind:     kind,
			phone:    fmt.Sprintf("09%08d", 10_000_000+i),
			regionID: c.ID,
			address:  fmt.Sprintf("Ấp %d, %s", 1+rng.IntN(9), c.DisplayName()),
		})
	}
	for i := 0; i < nProducts; i++ {
		s := rng.IntN(max(nSellers, 1))
		cat := d.categories[rng.IntN(len(d.categories))]
		g := goods[cat][rng.IntN(len(goods[cat]))]
		name := g.name
		if rng.IntN(3) > 0 {
			name += " " + qualifiers[rng.IntN(len(qualifiers))]
		}
		name += " " + makers[rng.IntN(len(makers))]
		p := productSpec{
			seller:     s,
			name:       name,
			categoryID: cat,
			unit:       g.units[rng.IntN(len(g.units))],
			priceVND:   int64(5+rng.IntN(400)) * 1000,
			stock:      int64(rng.IntN(500)),
			regionID:   d.sellers[s].regionID,
		}
		if rng.IntN(4) == 0 {
			p.stars = 3 + rng.IntN(3)
			p.certificate = fmt.Sprintf("%d/QĐ-UBND-%d", 100+i, 2023+rng.IntN(3))
		}
		if i < hot {
			p.stock = hotStock(i)
		}
		d.products = append(d.products, p)
	}
	return d, nil
}

// fold lower-cases s and removes Vietnamese tone and vowel marks (đ → d),
// the way people type without a Vietnamese keyboard.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// typo drops one letter of the longest word of s (at least 5 letters), as a
// hurried thumb does.
func typo(s string, rng *rand.Rand) string {
	words := strings.Fields(s)
	best := -1
	for i, w := range words {
		if len([]rune(w)) >= 5 && (best < 0 || len(w) > len(words[best])) {
			best = i
		}
	}
	if best < 0 {
		return s
	}
	r := []rune(words[best])
	k := 1 + rng.IntN(len(r)-2)
	words[best] = string(r[:k]) + string(r[k+1:])
	return strings.Join(words, " ")
}

// searchQueries is the realistic mix the search scenario draws from:
// exact, folded, with a typo, through a synonym, filtered, faceted and
// sorted, as query strings for GET /api/v1/search.
func (d *dataset) searchQueries(n int) []string {
	rng := rand.New(rand.NewPCG(d.seed, 0x5ea7c4))
	synonyms := []string{"dứa", "khom", "thơm", "roi", "lạc", "lợn", "ngô", "quả bưởi", "dua", "mang cau"}
	sorts := []string{"price_asc", "price_desc", "stars_desc", "newest", "bestselling"}
	var out []string
	for len(out) < n {
		cat := d.categories[rng.IntN(len(d.categories))]
		g := goods[cat][rng.IntN(len(goods[cat]))]
		words := strings.Fields(g.name)
		q := strings.Join(words[:1+rng.IntN(len(words))], " ")
		v := url.Values{}
		switch rng.IntN(10) {
		case 0, 1: // as typed on a Vietnamese keyboard
			v.Add("q", q)
		case 2, 3: // without marks
			v.Add("q", fold(q))
		case 4: // with a typo
			v.Add("q", typo(fold(q), rng))
		case 5: // a regional word
			v.Add("q", synonyms[rng.IntN(len(synonyms))])
		case 6: // filters
			v.Add("q", fold(words[0]))
			v.Add("categoryId", cat)
			v.Add("regionId", d.communes[rng.IntN(len(d.communes))].ParentID)
			v.Add("inStock", "true")
		case 7: // price range and stars, sorted
			v.Add("q", fold(q))
			v.Add("minPriceVnd", fmt.Sprint(10000*(1+rng.IntN(5))))
			v.Add("maxPriceVnd", fmt.Sprint(100000*(1+rng.IntN(4))))
			v.Add("stars", fmt.Sprint(3+rng.IntN(3)))
			v.Add("sort", sorts[rng.IntN(len(sorts))])
		case 8: // browsing a category, no text
			v.Add("categoryId", cat)
			v.Add("sort", sorts[rng.IntN(len(sorts))])
			v.Add("page", fmt.Sprint(1+rng.IntN(3)))
		default: // browsing a commune
			v.Add("regionId", d.communes[rng.IntN(len(d.communes))].ID)
			v.Add("perPage", "40")
		}
		out = append(out, "/api/v1/search?"+v.Encode())
	}
	return out
}
