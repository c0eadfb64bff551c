package searchtest

import (
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// The region tree of the corpus: provinces after the 2025 merger, and
// communes under them.
var regionNames = map[string]string{
	"an-giang": "An Giang", "an-giang.tri-ton": "Tri Tôn", "an-giang.tinh-bien": "Tịnh Biên",
	"an-giang.cho-moi": "Chợ Mới", "an-giang.tan-chau": "Tân Châu", "an-giang.chau-doc": "Châu Đốc",
	"can-tho": "Cần Thơ", "can-tho.hoa-tien": "Hỏa Tiến", "can-tho.phong-dien": "Phong Điền", "can-tho.my-xuyen": "Mỹ Xuyên",
	"vinh-long": "Vĩnh Long", "vinh-long.binh-minh": "Bình Minh", "vinh-long.mo-cay": "Mỏ Cày",
	"vinh-long.cau-ke": "Cầu Kè", "vinh-long.giong-trom": "Giồng Trôm",
	"dong-thap": "Đồng Tháp", "dong-thap.thap-muoi": "Tháp Mười", "dong-thap.lai-vung": "Lai Vung",
	"dong-thap.cai-be": "Cái Bè", "dong-thap.tan-phuoc": "Tân Phước",
	"ca-mau": "Cà Mau", "ca-mau.u-minh": "U Minh", "ca-mau.nam-can": "Năm Căn",
}

// The category tree: the OCOP groups, then sub-categories.
var categoryParents = map[string]string{
	"thuc-pham": "", "do-uong": "", "det-may": "",
	"trai-cay": "thuc-pham", "rau-nam": "thuc-pham", "gao": "thuc-pham", "thuy-san": "thuc-pham", "che-bien": "thuc-pham",
}

var sellerNames = map[string]string{
	"s-le-sanh":    "Hộ Lê Văn Sánh",
	"s-cau-duc":    "HTX Nông nghiệp Hỏa Tiến",
	"s-binh-minh":  "Vườn bưởi Năm Roi Út Hiền",
	"s-mo-cay":     "Cơ sở Dừa Xanh Mỏ Cày",
	"s-tri-ton":    "HTX Ong Mật Rừng Núi Cấm",
	"s-u-minh":     "HTX Ong Mật U Minh Hạ",
	"s-tinh-bien":  "Cơ sở Thốt Nốt Bảy Tưng",
	"s-cai-be":     "HTX Nông sản Cái Bè",
	"s-phong-dien": "Trại nấm Phong Điền",
	"s-my-xuyen":   "DNTN Thuận Phát Mỹ Xuyên",
	"s-cho-moi":    "Hộ Nguyễn Thị Lan",
	"s-lai-vung":   "HTX Quýt Hồng Lai Vung",
	"s-thap-muoi":  "HTX Sen Tháp Mười",
	"s-tan-chau":   "Lãnh Mỹ A Tân Châu",
	"s-chau-doc":   "Mắm Bà Giáo Khỏe",
	"s-nam-can":    "Hộ Trần Văn Mười",
	"s-cau-ke":     "HTX Dừa Sáp Cầu Kè",
	"s-u-minh-kho": "Cơ sở Khô Cá Út Mười",
}

type product struct {
	id, name, description, category, seller, region string
	price                                           market.VND
	unit                                            string
	stars                                           int
	inStock                                         bool
	day                                             int // days after corpusEpoch
	sold                                            int64
}

var corpusEpoch = time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)

// products: names and descriptions are chosen so that every text query
// of the suite has an exact answer; change them with care.
var products = []product{
	{"p01", "Hoa súng Lê Sánh", "Bông súng hái sáng sớm trên đồng nước nổi, nấu canh chua, lẩu mắm.", "rau-nam", "s-le-sanh", "dong-thap.thap-muoi", 25000, "bó", 0, true, 40, 310},
	{"p02", "Khóm Cầu Đúc", "Trái khóm đặc sản Hậu Giang, vị ngọt thanh, nhiều nước.", "trai-cay", "s-cau-duc", "can-tho.hoa-tien", 15000, "trái", 4, true, 3, 1200},
	{"p03", "Khóm mật Cầu Đúc loại 1", "Khóm chín cây, ngọt đậm, trái to trên 1 ký.", "trai-cay", "s-cau-duc", "can-tho.hoa-tien", 22000, "trái", 4, true, 12, 640},
	{"p04", "Nước ép khóm Cầu Đúc", "Nước ép nguyên chất, không đường, chai 330 ml.", "do-uong", "s-cau-duc", "can-tho.hoa-tien", 30000, "chai", 3, true, 20, 150},
	{"p05", "Bưởi Năm Roi Bình Minh", "Bưởi ráo nước, múi to, ngọt không the.", "trai-cay", "s-binh-minh", "vinh-long.binh-minh", 45000, "kg", 4, true, 5, 980},
	{"p06", "Bưởi da xanh Mỏ Cày", "Bưởi ruột hồng, vỏ mỏng, thơm nhẹ.", "trai-cay", "s-mo-cay", "vinh-long.mo-cay", 60000, "kg", 3, true, 9, 720},
	{"p07", "Mật ong rừng tràm Tri Tôn", "Mật ong khai thác từ rừng tràm vùng Bảy Núi, nguyên chất.", "che-bien", "s-tri-ton", "an-giang.tri-ton", 250000, "chai", 4, true, 15, 430},
	{"p08", "Mật ong hoa tràm U Minh", "Mật ong thu hoạch mùa khô trong rừng U Minh Hạ.", "che-bien", "s-u-minh", "ca-mau.u-minh", 220000, "chai", 5, true, 17, 515},
	{"p09", "Đường thốt nốt Tịnh Biên", "Đường nấu từ nước cây thốt nốt, đóng bánh, ngọt dịu.", "che-bien", "s-tinh-bien", "an-giang.tinh-bien", 80000, "kg", 3, true, 30, 860},
	{"p10", "Nước thốt nốt tươi", "Nước thốt nốt lấy trong ngày, giữ lạnh.", "do-uong", "s-tinh-bien", "an-giang.tinh-bien", 20000, "chai", 0, true, 31, 95},
	{"p11", "Cá thát lát tươi", "Cá nuôi trong ao, làm sạch, giao trong ngày.", "thuy-san", "s-cai-be", "dong-thap.cai-be", 120000, "kg", 0, true, 8, 220},
	{"p12", "Chả cá thát lát Hậu Giang", "Chả quết tay, dai ngon, đóng hộp 500 g.", "che-bien", "s-cau-duc", "can-tho.hoa-tien", 110000, "hộp", 4, true, 22, 610},
	{"p13", "Nấm bào ngư xám", "Nấm trồng sạch, hái trong ngày.", "rau-nam", "s-phong-dien", "can-tho.phong-dien", 70000, "kg", 0, true, 2, 330},
	{"p14", "Gạo thơm ST25 Mỹ Xuyên", "Gạo ngon nhất thế giới, hạt dài, cơm dẻo.", "gao", "s-my-xuyen", "can-tho.my-xuyen", 35000, "kg", 5, true, 1, 2500},
	{"p15", "Gạo thơm Jasmine Chợ Mới", "Gạo mới xay, cơm mềm.", "gao", "s-cho-moi", "an-giang.cho-moi", 22000, "kg", 0, true, 4, 1800},
	{"p16", "Tắc tươi Lai Vung", "Trái tắc vỏ mỏng, nhiều nước, pha nước uống.", "trai-cay", "s-lai-vung", "dong-thap.lai-vung", 20000, "kg", 0, true, 6, 410},
	{"p17", "Mứt tắc Lai Vung", "Mứt dẻo, chua ngọt, hộp 300 g.", "che-bien", "s-lai-vung", "dong-thap.lai-vung", 45000, "hộp", 3, true, 25, 120},
	{"p18", "Khô cá lóc Đồng Tháp", "Cá đồng phơi ba nắng, thịt chắc.", "che-bien", "s-thap-muoi", "dong-thap.thap-muoi", 450000, "kg", 4, true, 11, 390},
	{"p19", "Khô cá lóc một nắng U Minh", "Cá đồng mùa nước nổi, phơi một nắng.", "che-bien", "s-u-minh-kho", "ca-mau.u-minh", 380000, "kg", 3, false, 13, 210},
	{"p20", "Dừa sáp Cầu Kè", "Cơm dừa dẻo đặc như sáp, trái chọn lọc.", "trai-cay", "s-cau-ke", "vinh-long.cau-ke", 150000, "trái", 5, true, 7, 270},
	{"p21", "Dừa xiêm xanh Bến Tre", "Nước ngọt mát, gọt sẵn.", "trai-cay", "s-mo-cay", "vinh-long.mo-cay", 15000, "trái", 0, true, 10, 1500},
	{"p22", "Kẹo dừa Bến Tre", "Kẹo truyền thống, nhiều vị.", "che-bien", "s-mo-cay", "vinh-long.mo-cay", 40000, "hộp", 4, true, 14, 1100},
	{"p23", "Thơm mật Tân Phước", "Trái nhỏ, mắt lồi, ngọt như mật.", "trai-cay", "s-cai-be", "dong-thap.tan-phuoc", 18000, "trái", 0, true, 16, 480},
	{"p24", "Đậu phộng rang muối", "Hạt mẩy, rang củi, giòn tan.", "che-bien", "s-cho-moi", "an-giang.cho-moi", 50000, "hũ", 0, true, 18, 205},
	{"p25", "Kẹo lạc vừng", "Kẹo giòn, ít ngọt, hộp 200 g.", "che-bien", "s-tan-chau", "an-giang.tan-chau", 35000, "hộp", 0, true, 19, 60},
	{"p26", "Lụa Tân Châu nhuộm trái mặc nưa", "Lụa tơ tằm dệt tay, nhuộm đen bóng.", "det-may", "s-tan-chau", "an-giang.tan-chau", 900000, "mét", 4, true, 21, 35},
	{"p27", "Khăn rằn Tân Châu", "Khăn rằn dệt thủ công, hai màu.", "det-may", "s-tan-chau", "an-giang.tan-chau", 45000, "cái", 3, true, 23, 140},
	{"p28", "Bánh pía sầu riêng trứng muối", "Bánh nhiều lớp, nhân đậu xanh.", "che-bien", "s-my-xuyen", "can-tho.my-xuyen", 65000, "hộp", 4, true, 24, 900},
	{"p29", "Lạp xưởng tươi Mỹ Xuyên", "Làm từ thịt nạc, phơi nắng vừa.", "che-bien", "s-my-xuyen", "can-tho.my-xuyen", 160000, "kg", 3, true, 26, 330},
	{"p30", "Nem Lai Vung", "Nem chua gói lá chuối, xâu 10 cái.", "che-bien", "s-lai-vung", "dong-thap.lai-vung", 50000, "xâu", 4, true, 27, 760},
	{"p31", "Quýt hồng Lai Vung", "Trái đỏ cam, vỏ mỏng, chín Tết.", "trai-cay", "s-lai-vung", "dong-thap.lai-vung", 60000, "kg", 4, false, 28, 540},
	{"p32", "Xoài cát Hòa Lộc", "Xoài chín vàng, thịt mịn, không xơ.", "trai-cay", "s-cai-be", "dong-thap.cai-be", 70000, "kg", 5, true, 29, 1300},
	{"p33", "Trà sen Tháp Mười", "Trà ướp sen Bách Diệp, hộp 100 g.", "do-uong", "s-thap-muoi", "dong-thap.thap-muoi", 120000, "hộp", 3, true, 32, 180},
	{"p34", "Hạt sen sấy Tháp Mười", "Hạt sen sấy giòn, không tẩm.", "che-bien", "s-thap-muoi", "dong-thap.thap-muoi", 90000, "túi", 4, true, 33, 260},
	{"p35", "Mắm cá linh Châu Đốc", "Cá linh non mùa nước nổi, ủ chượp.", "che-bien", "s-chau-doc", "an-giang.chau-doc", 90000, "hũ", 3, true, 34, 170},
	{"p36", "Khô cá tra phồng Châu Đốc", "Cá tra phơi khô, chiên giòn.", "thuy-san", "s-chau-doc", "an-giang.chau-doc", 200000, "kg", 0, true, 35, 90},
	{"p37", "Tôm khô Năm Căn", "Tôm đất phơi khô, màu tự nhiên.", "thuy-san", "s-nam-can", "ca-mau.nam-can", 900000, "kg", 4, false, 36, 75},
	{"p38", "Cua gạch Năm Căn", "Cua rừng đước, chắc thịt, nhiều gạch.", "thuy-san", "s-nam-can", "ca-mau.nam-can", 450000, "kg", 0, true, 37, 310},
	{"p39", "Bánh tráng Mỹ Lồng", "Bánh phơi sương, cuốn gỏi.", "che-bien", "s-mo-cay", "vinh-long.giong-trom", 30000, "xấp", 3, true, 38, 450},
	{"p40", "Bắp nếp Chợ Mới", "Bắp trái non, luộc hoặc nướng.", "rau-nam", "s-cho-moi", "an-giang.cho-moi", 8000, "trái", 0, true, 39, 620},
	{"p41", "Heo quay Cái Bè", "Da giòn, quay bằng lò than.", "che-bien", "s-cai-be", "dong-thap.cai-be", 280000, "kg", 0, true, 41, 140},
	{"p42", "Hột vịt muối Chợ Mới", "Muối tro, lòng đỏ son.", "che-bien", "s-cho-moi", "an-giang.cho-moi", 45000, "chục", 0, true, 41, 230},
}

func parentOf(id string) string {
	for i := len(id) - 1; i > 0; i-- {
		if id[i] == '.' {
			if _, ok := regionNames[id[:i]]; ok {
				return id[:i]
			}
		}
	}
	return ""
}

func withAncestors(id string, parent func(string) string) []string {
	var ids []string
	for ; id != ""; id = parent(id) {
		ids = append(ids, id)
	}
	return ids
}

// Corpus returns the fixed Vietnamese corpus of the suite: 42 products of
// the Mekong Delta, across 18 sellers, 5 provinces and their communes, and
// 8 categories. Callers may change the copies they get.
func Corpus() []search.Document {
	docs := make([]search.Document, 0, len(products))
	for _, p := range products {
		regionIDs := withAncestors(p.region, parentOf)
		var regionName string
		for i, id := range regionIDs {
			if i > 0 {
				regionName += ", "
			}
			regionName += regionNames[id]
		}
		docs = append(docs, search.Document{
			ID:          p.id,
			Name:        p.name,
			Description: p.description,
			CategoryID:  p.category,
			CategoryIDs: withAncestors(p.category, func(id string) string { return categoryParents[id] }),
			SellerID:    p.seller,
			SellerName:  sellerNames[p.seller],
			RegionID:    p.region,
			RegionIDs:   regionIDs,
			RegionName:  regionName,
			PriceVND:    p.price,
			Unit:        p.unit,
			Stars:       p.stars,
			InStock:     p.inStock,
			ImageURL:    "/images/" + p.id + "/thumb.webp",
			CreatedAt:   corpusEpoch.AddDate(0, 0, p.day),
			Sold:        p.sold,
			Version:     1,
		})
	}
	return docs
}
