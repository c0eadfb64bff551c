package httpserver

import (
	"time"

	"github.com/ocopmarket/market"
)

// pageFixtures are sample data for every page, rendered by the golden
// tests: what a buyer, a seller and an official see.
func pageFixtures(srv *Server) []goldenPage {
	at := time.Date(2025, 9, 5, 2, 30, 0, 0, time.UTC) // 09:30 in Vietnam
	seller := market.Actor{AccountID: "acc-hoa", Name: "Út Hoa", Roles: []market.Role{market.RoleBuyer, market.RoleSeller}}
	official := market.Actor{AccountID: "acc-can-bo", Name: "Cán bộ Lan", Roles: []market.Role{market.RoleOfficial}, RegionID: "can-tho"}
	share := shareBox{URL: "https://choocop.vn/p/p1", Title: "Hoa súng Lê Sánh", QR: "/p/p1/qr.png"}
	product := productPage{
		ID: "p1", Name: "Hoa súng Lê Sánh", Unit: "bó", Price: 25000,
		Tiers: []tierRow{{MinQty: 20, Price: 20000}, {MinQty: 100, Price: 18000}},
		Stock: 120, MinOrderQty: 1, InStock: true, Public: true, Stars: 4, OCOPNumber: "OCOP-CT-2024-015",
		Images:     []imageView{{URL: "/media/products/p1/a.jpg", Thumb: "/media/products/p1/a-thumb.jpg", Width: 1200, Height: 1200}, {URL: "/media/products/p1/b.jpg", Thumb: "/media/products/p1/b-thumb.jpg", Width: 1600, Height: 1200}},
		Origin:     "Xã Thạnh Xuân, TP Cần Thơ",
		Season:     "tháng 6–11",
		CategoryID: "rau-cu", Category: "Rau, củ, nấm",
		Description: "Hoa súng hái sáng sớm.\\nGiòn, ngọt, nấu canh chua.",
		Paragraphs:  []string{"Hoa súng hái sáng sớm trên ruộng nhà.", "Giòn, ngọt, nấu canh chua hay lẩu mắm đều ngon. <script>alert(1)</script>"},
		Seller:      sellerBrief{ID: "s1", Name: "HTX Hoa Súng Lê Sánh", Kind: "Hợp tác xã", Place: "Thạnh Xuân, Cần Thơ"},
		Share:       share,
	}
	unpublished := product
	unpublished.Public, unpublished.Stars, unpublished.Images, unpublished.Tiers, unpublished.Stock, unpublished.InStock = false, 0, nil, nil, 0, false
	order := orderView{
		ID: "o1", Code: "CT-7K3F9Q", StatusClass: "wait", StatusLabel: "Mới đặt", SellerName: "HTX Hoa Súng Lê Sánh", CreatedAt: at,
		Lines:    []orderLine{{Name: "Hoa súng Lê Sánh", Unit: "bó", Qty: 20, UnitPrice: 20000, LineTotal: 400000}},
		Subtotal: 400000, Shipping: 30000, Total: 430000, PaymentLabel: "Tiền mặt khi nhận hàng",
		Steps: []orderStep{{Label: "Mới đặt", Done: true, At: at}, {Label: "Đã xác nhận"}, {Label: "Đang giao"}, {Label: "Đã giao"}},
	}
	cards := []productCard{
		{ID: "p1", Name: "Hoa súng Lê Sánh", Price: 25000, Unit: "bó", Thumb: "/media/products/p1/a-thumb.jpg", Stars: 4, Place: "Thạnh Xuân, Cần Thơ", InStock: true},
		{ID: "p2", Name: "Mật ong rừng tràm U Minh Hạ", Price: 180000, Unit: "chai", Place: "U Minh, Cà Mau", InStock: true},
		{ID: "p3", Name: "Khô cá lóc đồng", Price: 420000, Unit: "kg", Place: "Tri Tôn, An Giang"},
	}
	kinds := []option{{Value: "household", Label: "Hộ gia đình", Selected: true}, {Value: "cooperative", Label: "Hợp tác xã"}, {Value: "enterprise", Label: "Doanh nghiệp"}}
	return []goldenPage{
		{file: "search", page: "search", lang: "vi", data: searchPage{
			Q: "hoa sung", Total: 23, Page: 1, Pages: 2,
			Active:         []facetLink{{Label: "4 sao trở lên", URL: "/search?q=hoa+sung"}},
			Sorts:          []option{{Value: "relevance", Label: "Phù hợp nhất", Selected: true}, {Value: "price_asc", Label: "Giá thấp đến cao"}},
			Categories:     []option{{Value: "thuc-pham", Label: "Thực phẩm"}, {Value: "rau-cu", Label: "— Rau, củ, nấm", Selected: true}},
			Regions:        []option{{Value: "can-tho", Label: "TP Cần Thơ"}},
			StarOptions:    []option{{Value: "3", Label: "Từ 3 sao"}, {Value: "4", Label: "Từ 4 sao", Selected: true}},
			MinPrice:       "10000",
			StarFacets:     []facetLink{{Label: "4★", URL: "/search?q=hoa+sung&stars=4", Count: 3, Selected: true}},
			CategoryFacets: []facetLink{{Label: "Rau, củ, nấm", URL: "/search?categoryId=rau-cu&q=hoa+sung", Count: 12}},
			Hits:           cards, NextURL: "/search?page=2&q=hoa+sung",
		}},
		{file: "search.empty", page: "search", lang: "en", data: searchPage{Q: "sầu riêng", Sorts: []option{{Value: "relevance", Label: "Best match", Selected: true}}, Page: 1, Pages: 1}},
		{file: "product", page: "product", lang: "vi", data: product, edit: func(p *page) {
			p.Title = product.Name
			p.OG = &openGraph{Type: "product", Title: "Hoa súng Lê Sánh – 25.000 ₫/bó", Description: "Hoa súng hái sáng sớm", URL: share.URL, Image: "https://choocop.vn/media/products/p1/a.jpg", PriceVND: 25000}
		}},
		{file: "product.unpublished.en", page: "product", lang: "en", data: unpublished},
		{file: "shop", page: "shop", lang: "vi", data: shopPage{ID: "s1", Name: "HTX Hoa Súng Lê Sánh", Kind: "Hợp tác xã", Place: "Thạnh Xuân, Cần Thơ", Verified: true,
			Story: []string{"Hợp tác xã trồng hoa súng trên ruộng lúa mùa nước nổi."}, Since: at, Zalo: "0987 111 222", ShippingFee: 30000, FreeOver: 500000,
			Count: 2, Products: cards[:2], Share: shareBox{URL: "https://choocop.vn/s/s1", Title: "HTX Hoa Súng Lê Sánh", QR: "/s/s1/qr.png"}}},
		{file: "cart", page: "cart", lang: "vi", data: cartPage{Groups: []cartGroup{{SellerName: "HTX Hoa Súng Lê Sánh",
			Lines:    []cartRow{{ProductID: "p1", Name: "Hoa súng Lê Sánh", Unit: "bó", Qty: 20, Max: 120, UnitPrice: 20000, LineTotal: 400000}, {ProductID: "p4", Name: "Bông điên điển", Unit: "kg", Qty: 5, Max: 2, UnitPrice: 60000, LineTotal: 300000, Problem: "Chỉ còn 2 kg."}},
			Subtotal: 700000, Shipping: 0}}, Total: 700000}, edit: func(p *page) { p.CartCount = 2 }},
		{file: "cart.empty", page: "cart", lang: "en", data: cartPage{}},
		{file: "checkout", page: "checkout", lang: "vi", data: checkoutPage{
			Lines: []cartRow{{ProductID: "p1", Name: "Hoa súng Lê Sánh", Unit: "bó", Qty: 20, UnitPrice: 20000, LineTotal: 400000}}, Shipping: 30000, Total: 430000, Key: "key-0123456789",
			Provinces: []option{{Value: "an-giang", Label: "Tỉnh An Giang"}, {Value: "can-tho", Label: "TP Cần Thơ", Selected: true}},
			Methods:   []payOption{{Value: "cod", Label: "Trả tiền mặt khi nhận hàng (COD)", Hint: "Kiểm tra hàng rồi trả tiền.", Icon: "cash", Selected: true}, {Value: "bank_transfer", Label: "Chuyển khoản VietQR", Hint: "Quét mã QR.", Icon: "qr"}},
		}, edit: func(p *page) {
			p.Form.Set("name", "Trần Văn A")
			p.formError(market.Errorf(market.Invalid, "Dữ liệu chưa hợp lệ.", "Some fields are not valid.").WithField("address", "Cần địa chỉ nhận hàng.", "An address is needed."))
		}},
		{file: "confirmation.vietqr", page: "confirmation", lang: "vi", data: confirmationPage{PayLabel: "Chờ chuyển khoản", PayClass: "wait", Refresh: "/checkout/c1",
			VietQR: &vietQRView{ImageURL: "/checkout/c1/vietqr.png", Amount: 430000, AmountDigits: "430000", Reference: "OCOP7K3F9QAB", Bank: "Vietcombank", Account: "0011004455667", Holder: "NGUYEN THI LAN", HoldUntil: at.Add(30 * time.Minute)},
			Total:  430000, Orders: []orderView{order}, TrackURL: "/orders/lookup?code=CT-7K3F9Q&phone=0912345678"}},
		{file: "confirmation.card", page: "confirmation", lang: "vi", data: confirmationPage{PayLabel: "Chưa thành công", PayClass: "out", Refresh: "/checkout/c1",
			CardSecret: "pi_123_secret_456", CardFailed: true, ReturnURL: "https://choocop.vn/checkout/c1", Total: 430000, Orders: []orderView{order}, TrackURL: "/orders/lookup?code=CT-7K3F9Q"},
			edit: func(p *page) { p.CardKey = "pk_test_123" }},
		{file: "confirmation.card.confirming.en", page: "confirmation", lang: "en", data: confirmationPage{PayLabel: "Awaiting payment", PayClass: "wait", Refresh: "/checkout/c1",
			Confirming: true, Total: 430000, Orders: []orderView{order}, TrackURL: "/orders/lookup?code=CT-7K3F9Q"},
			edit: func(p *page) { p.CardKey = "pk_test_123" }},
		{file: "confirmation.cod.en", page: "confirmation", lang: "en", data: confirmationPage{PayLabel: "Pay on delivery", PayClass: "wait", COD: true, Total: 430000, Orders: []orderView{order}, TrackURL: "/orders/lookup?code=CT-7K3F9Q"}},
		{file: "lookup", page: "lookup", lang: "vi", data: &order, edit: func(p *page) { p.Form.Set("code", "CT-7K3F9Q"); p.Form.Set("phone", "0912345678") }},
		{file: "lookup.notfound", page: "lookup", lang: "vi", edit: func(p *page) {
			p.Form.Set("code", "XX-000000")
			p.formError(market.NotFoundf("đơn hàng", "order"))
		}},
		{file: "seller_register", page: "seller_register", lang: "vi", data: registerPage{Kinds: kinds,
			Regions: []optGroup{{Label: "TP Cần Thơ", Options: []option{{Value: "can-tho.thanh-xuan", Label: "Xã Thạnh Xuân", Selected: true}}}},
			Banks:   []option{{Value: "970405", Label: "Agribank"}, {Value: "970436", Label: "Vietcombank"}}},
			edit: func(p *page) { p.Actor = market.Actor{AccountID: "acc-hoa", Name: "Út Hoa"} }},
		{file: "seller_home", page: "seller_home", lang: "vi", data: sellerHomePage{Shop: sellerBrief{ID: "s1", Name: "HTX Hoa Súng Lê Sánh"}, StatusClass: "wait", StatusLabel: "Chờ xác minh", NewOrders: 2,
			Products: []sellerProductRow{{ID: "p1", Name: "Hoa súng Lê Sánh", Thumb: "/media/products/p1/a-thumb.jpg", StatusClass: "ok", StatusLabel: "Đang bán", Stars: 4, Unit: "bó", PriceText: "25.000", Stock: 120, Version: 3}}},
			edit: func(p *page) { p.Actor = seller; p.Flash = "Đã lưu." }},
		{file: "seller_product.new", page: "seller_product", lang: "vi", data: productFormPage{
			Units:       []option{{Value: "kg", Label: "kg"}, {Value: "bó", Label: "bó", Selected: true}},
			Categories:  []optGroup{{Label: "Thực phẩm", Options: []option{{Value: "thuc-pham", Label: "Thực phẩm (khác)"}, {Value: "rau-cu", Label: "Rau, củ, nấm", Selected: true}}}},
			StarOptions: []option{{Value: "3", Label: "3 sao"}, {Value: "4", Label: "4 sao"}, {Value: "5", Label: "5 sao"}}},
			edit: func(p *page) { p.Actor = seller }},
		{file: "seller_product.edit", page: "seller_product", lang: "en", data: productFormPage{ID: "p1", Version: 3, Status: "active",
			Images: []imageView{{URL: "/media/a.jpg", Thumb: "/media/a-thumb.jpg"}},
			Units:  []option{{Value: "bó", Label: "bó", Selected: true}}, Categories: []optGroup{{Label: "Food", Options: []option{{Value: "rau-cu", Label: "Vegetables and mushrooms", Selected: true}}}},
			StarOptions: []option{{Value: "4", Label: "4 stars", Selected: true}}},
			edit: func(p *page) {
				p.Actor = seller
				p.Form.Set("name", "Hoa súng Lê Sánh")
				p.Form.Set("price", "25.000")
				p.Form.Set("ocopStars", "4")
			}},
		{file: "seller_orders", page: "seller_orders", lang: "vi", data: inboxPage{
			Filters: []facetLink{{Label: "Cần xử lý", URL: "/seller/orders", Selected: true}, {Label: "Tất cả", URL: "/seller/orders?all=1"}},
			Orders: []inboxOrder{{orderView: order, BuyerName: "Trần Văn A", BuyerPhone: "0912 345 678", BuyerPhoneIntl: "+84912345678", Address: "12 Trần Hưng Đạo, Ninh Kiều, Cần Thơ", Note: "Giao buổi sáng",
				Actions: []orderAction{{To: "confirmed", Label: "Xác nhận đơn", Primary: true}, {To: "cancelled", Label: "Hủy đơn", Danger: true}}, CanCancel: true}}},
			edit: func(p *page) { p.Actor = seller }},
		{file: "my_orders", page: "my_orders", lang: "vi", data: []orderView{order}, edit: func(p *page) { p.Actor = seller }},
		{file: "my_orders.empty", page: "my_orders", lang: "en", data: []orderView(nil)},
		{file: "poster", page: "poster", lang: "vi", data: posterPage{Name: "HTX Hoa Súng Lê Sánh", Place: "Thạnh Xuân, Cần Thơ", QR: "/s/s1/qr.png?size=640", URL: "https://choocop.vn/s/s1", Phone: "0987 111 222", Zalo: "0987 111 222"},
			edit: func(p *page) { p.Actor = seller }},
		{file: "official_home", page: "official_home", lang: "vi", data: sampleDashboard(), edit: func(p *page) { p.Actor = official; p.Wide = true }},
		{file: "official_home.en", page: "official_home", lang: "en", data: func() dashboardPage {
			d := sampleDashboard()
			d.RegionName, d.UpURL, d.UpName, d.NextURL = "Thạnh Xuân Commune, Cần Thơ City", "/official?month=2026-01&regionId=can-tho", "TP Cần Thơ", ""
			d.Import = &importView{Done: true, Imported: 6, Errors: []lineProblem{{Line: 8, Message: "stars must be 3, 4 or 5"}}}
			return d
		}(), edit: func(p *page) { p.Actor = official; p.Wide = true }},
		{file: "official_home.empty", page: "official_home", lang: "vi", data: dashboardPage{RegionID: "can-tho", RegionName: "TP Cần Thơ", Month: "2026-11", MonthLabel: "11/2026",
			Months: []option{{Value: "2026-11", Label: "11/2026", Selected: true}}, PrevURL: "/official?month=2026-10&regionId=can-tho", Empty: true,
			Groups: []kpiGroup{{Title: "Người bán", KPIs: []kpi{{Value: "0", Label: "người bán trên sàn"}}}},
			Charts: []chart{barChart("Đơn hàng theo tháng", []chartPoint{{Label: "10/2026", Text: "0", Short: "0"}, {Label: "11/2026", Text: "0", Short: "0"}})},
			Quiet:  []string{"Xã Thạnh Xuân", "Phường Ninh Kiều"}, CSVURL: "/official/export.csv?month=2026-11&regionId=can-tho",
			Import: &importView{Error: "Tệp không có dòng nào ngoài dòng tiêu đề."}},
			edit: func(p *page) { p.Actor = official; p.Wide = true }},
		{file: "official_home.country", page: "official_home", lang: "vi", data: dashboardPage{RegionName: "Cả nước", Month: "2026-01", MonthLabel: "01/2026",
			Months: []option{{Value: "2026-01", Label: "01/2026", Selected: true}}, PrevURL: "/official?month=2025-12", CSVURL: "/official/export.csv?month=2026-01"},
			edit: func(p *page) {
				p.Actor = market.Actor{AccountID: "acc-admin", Name: "Quản trị", Roles: []market.Role{market.RoleAdmin}}
				p.Wide = true
			}},
		{file: "official_queue", page: "official_queue", lang: "vi", data: queuePage{
			Sellers: []queueSeller{{ID: "s2", Name: "Hộ Út Hoa", Kind: "Hộ gia đình", Place: "Thạnh Xuân, Cần Thơ", Address: "Ấp Thạnh Hòa", Phone: "0912 345 678", CreatedAt: at}},
			Certificates: []queueCert{{ProductID: "p1", ProductName: "Hoa súng Lê Sánh", Stars: 4, Number: "OCOP-CT-2024-015", IssuedAt: at.AddDate(-1, 0, 0), ExpiresAt: at.AddDate(2, 0, 0), SellerName: "HTX Hoa Súng Lê Sánh", Place: "Thạnh Xuân, Cần Thơ"},
				{ProductID: "p2", ProductName: "Khóm Cầu Đúc", Stars: 3, Number: "OCOP-HG-2021-007", IssuedAt: at.AddDate(-4, 0, 0), ExpiresAt: at.AddDate(-1, 0, 0), SellerName: "HTX Khóm Cầu Đúc", Place: "Vị Thanh, Cần Thơ", Expired: true}}},
			edit: func(p *page) { p.Actor = official }},
	}
}

// sampleDashboard is a Cần Thơ official's dashboard for January 2026.
func sampleDashboard() dashboardPage {
	return dashboardPage{RegionID: "can-tho.thanh-xuan", RegionName: "Xã Thạnh Xuân, TP Cần Thơ", UpURL: "/official?month=2026-01&regionId=can-tho", UpName: "TP Cần Thơ",
		Month: "2026-01", MonthLabel: "01/2026",
		Months:  []option{{Value: "2026-02", Label: "02/2026"}, {Value: "2026-01", Label: "01/2026", Selected: true}},
		PrevURL: "/official?month=2025-12&regionId=can-tho.thanh-xuan", NextURL: "/official?month=2026-02&regionId=can-tho.thanh-xuan",
		WaitingSellers: 1, WaitingCerts: 2,
		Groups: []kpiGroup{
			{Title: "Người bán", KPIs: []kpi{{Value: "42", Label: "người bán trên sàn", Hint: "38 có sản phẩm đang bán"}, {Value: "40", Label: "người bán đã xác minh"}}},
			{Title: "Đơn hàng trong tháng", KPIs: []kpi{{Value: "1,2 tỷ ₫", Label: "doanh số", Title: "1.234.567.000 ₫"}, {Value: "31%", Label: "đơn thanh toán không tiền mặt"}}},
		},
		Charts: []chart{barChart("Đơn hàng theo tháng", []chartPoint{{Label: "12/2025", Value: 3, Text: "3", Short: "3"}, {Label: "01/2026", Value: 12, Text: "12", Short: "12"}})},
		Rows: []regionRow{{Name: "Xã Thạnh Xuân", URL: "/official?month=2026-01&regionId=can-tho.thanh-xuan", Sellers: 5, Products: 14, OCOP: 2, Orders: 9, GMV: "2.450.000 ₫", Cashless: 0.33},
			{Name: "Phường <Ninh Kiều>", URL: "/official?month=2026-01&regionId=can-tho.ninh-kieu", Sellers: 1, Products: 1, GMV: "0 ₫"}},
		Quiet:  []string{"Xã Vĩnh Trinh"},
		Total:  &regionRow{Name: "Toàn địa bàn", Sellers: 6, Products: 15, OCOP: 2, Orders: 9, GMV: "2.450.000 ₫", Cashless: 0.33},
		CSVURL: "/official/export.csv?month=2026-01&regionId=can-tho.thanh-xuan", Registry: 7,
	}
}
