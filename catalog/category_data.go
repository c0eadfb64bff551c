package catalog

// categoryData builds the category list afresh on each call, so that no
// caller can change another's copy. Groups follow the six OCOP product
// groups (Quyết định 148/QĐ-TTg, 2023); sub-categories are those a Mekong
// Delta seller looks for first.
func categoryData() []Category {
	return []Category{
		{ID: "thuc-pham", Name: "Thực phẩm", NameEN: "Food", OCOPGroup: 1},
		{ID: "trai-cay", Name: "Trái cây tươi", NameEN: "Fresh fruit", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "rau-cu", Name: "Rau, củ, nấm", NameEN: "Vegetables and mushrooms", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "gao-ngu-coc", Name: "Gạo và ngũ cốc", NameEN: "Rice and grains", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "thuy-san", Name: "Thủy sản, cá tươi", NameEN: "Seafood and fish", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "thit-trung", Name: "Thịt, trứng", NameEN: "Meat and eggs", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "kho-mam", Name: "Khô, mắm và thực phẩm chế biến", NameEN: "Dried, fermented and processed food", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "mat-ong", Name: "Mật ong và sản phẩm từ ong", NameEN: "Honey and bee products", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "duong-banh-keo", Name: "Đường, bánh, kẹo", NameEN: "Sugar, cakes and confectionery", ParentID: "thuc-pham", OCOPGroup: 1},
		{ID: "gia-vi", Name: "Gia vị, nước chấm", NameEN: "Spices and sauces", ParentID: "thuc-pham", OCOPGroup: 1},

		{ID: "do-uong", Name: "Đồ uống", NameEN: "Beverages", OCOPGroup: 2},
		{ID: "ca-phe-tra", Name: "Cà phê, trà", NameEN: "Coffee and tea", ParentID: "do-uong", OCOPGroup: 2},
		{ID: "ruou", Name: "Rượu và đồ uống có cồn", NameEN: "Wines and spirits", ParentID: "do-uong", OCOPGroup: 2},
		{ID: "nuoc-ep", Name: "Nước ép, nước giải khát", NameEN: "Juices and soft drinks", ParentID: "do-uong", OCOPGroup: 2},

		{ID: "thao-duoc", Name: "Thảo dược", NameEN: "Herbal products", OCOPGroup: 3},
		{ID: "tra-thao-moc", Name: "Trà thảo mộc", NameEN: "Herbal teas", ParentID: "thao-duoc", OCOPGroup: 3},
		{ID: "duoc-lieu", Name: "Dược liệu", NameEN: "Medicinal herbs", ParentID: "thao-duoc", OCOPGroup: 3},
		{ID: "tinh-dau", Name: "Tinh dầu", NameEN: "Essential oils", ParentID: "thao-duoc", OCOPGroup: 3},
		{ID: "my-pham-thao-duoc", Name: "Mỹ phẩm từ thảo dược", NameEN: "Herbal cosmetics", ParentID: "thao-duoc", OCOPGroup: 3},

		{ID: "vai-may-mac", Name: "Vải và may mặc", NameEN: "Textiles and garments", OCOPGroup: 4},
		{ID: "vai-khan", Name: "Vải, lụa, khăn rằn", NameEN: "Fabrics, silk and checked scarves", ParentID: "vai-may-mac", OCOPGroup: 4},
		{ID: "tho-cam", Name: "Dệt thổ cẩm", NameEN: "Brocade weaving", ParentID: "vai-may-mac", OCOPGroup: 4},
		{ID: "may-mac", Name: "Quần áo, túi may", NameEN: "Clothing and sewn bags", ParentID: "vai-may-mac", OCOPGroup: 4},

		{ID: "luu-niem", Name: "Lưu niệm – nội thất – trang trí", NameEN: "Souvenirs, furniture and decoration", OCOPGroup: 5},
		{ID: "dan-lat", Name: "Hàng đan lát (lục bình, tre, trúc)", NameEN: "Woven goods (water hyacinth, bamboo)", ParentID: "luu-niem", OCOPGroup: 5},
		{ID: "thu-cong", Name: "Thủ công mỹ nghệ", NameEN: "Handicrafts", ParentID: "luu-niem", OCOPGroup: 5},
		{ID: "hoa-cay-canh", Name: "Hoa, cây cảnh", NameEN: "Flowers and ornamental plants", ParentID: "luu-niem", OCOPGroup: 5},
		{ID: "noi-that", Name: "Đồ gỗ, nội thất", NameEN: "Wooden goods and furniture", ParentID: "luu-niem", OCOPGroup: 5},

		{ID: "du-lich", Name: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", NameEN: "Community and eco-tourism services", OCOPGroup: 6},
		{ID: "homestay", Name: "Lưu trú homestay", NameEN: "Homestays", ParentID: "du-lich", OCOPGroup: 6},
		{ID: "tour-trai-nghiem", Name: "Tour trải nghiệm miệt vườn, sông nước", NameEN: "Orchard and river tours", ParentID: "du-lich", OCOPGroup: 6},
		{ID: "diem-du-lich", Name: "Điểm du lịch", NameEN: "Tourist sites", ParentID: "du-lich", OCOPGroup: 6},
	}
}
