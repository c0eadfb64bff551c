package mongodb

import (
	"testing"
	"time"

	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/catalog/catalogtest"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
)

func TestSellerStoreContract(t *testing.T) {
	sellerstest.Run(t, func(t *testing.T) sellerstest.Stores {
		db := openTestDB(t)
		return sellerstest.Stores{Accounts: db.Accounts(), Sellers: db.Sellers()}
	})
}

func TestCatalogStoreContract(t *testing.T) {
	catalogtest.Run(t, func(t *testing.T) catalogtest.Stores {
		db := openTestDB(t)
		return catalogtest.Stores{Accounts: db.Accounts(), Sellers: db.Sellers(), Catalog: db.Catalog()}
	})
}

func TestSellerQueries(t *testing.T) {
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"list filter", sellerListFilter(sellers.Filter{RegionIDs: []string{"can-tho", "can-tho.phu-huu"}, Status: sellers.StatusVerified, Kind: sellers.KindCooperative, After: "01abc"}),
			`{"regionId":{"$in":["can-tho","can-tho.phu-huu"]},"status":"verified","kind":"cooperative","_id":{"$gt":"01abc"}}`},
		{"empty list filter", sellerListFilter(sellers.Filter{}), `{}`},
		{"sellers of an account", sellersOfAccountFilter("acc1"), `{"$or":[{"ownerId":"acc1"},{"helpers.accountId":"acc1"}]}`},
		{"versioned", versioned("s1", 4), `{"_id":"s1","version":4}`},
	}
	filter, update := addHelperUpdate("s1", sellers.Helper{AccountID: "h1", AddedBy: "o1", AddedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	tests = append(tests,
		struct {
			name string
			got  any
			want string
		}{"add helper filter", filter, `{"_id":"s1","helpers.accountId":{"$ne":"h1"}}`},
		struct {
			name string
			got  any
			want string
		}{"add helper update", update, `{"$push":{"helpers":{"accountId":"h1","addedBy":"o1","addedAt":{"$date":"2026-05-01T00:00:00Z"}}}}`},
	)
	for _, tt := range tests {
		if got := extJSON(t, tt.got); got != tt.want {
			t.Errorf("%s =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

func TestSellerUpdate(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	s := sellers.Seller{ID: "s1", Kind: sellers.KindHousehold, Name: "Vườn bưởi Năm Roi", Phone: "+84912345678", RegionID: "can-tho.phu-huu",
		Address: "Ấp Phú Khánh", Bank: sellers.Bank{BIN: "970436", AccountNumber: "0123", Holder: "NGUYEN VAN A"}, ShippingFee: 30000,
		Status: sellers.StatusVerified, StatusBy: "o1", StatusAt: at, VerifiedBy: "o1", VerifiedAt: at, FirstVerifiedAt: at.AddDate(-1, 0, 0), UpdatedAt: at}
	got := extJSON(t, sellerUpdate(s, 3))
	want := `{"$set":{"kind":"household","name":"Vườn bưởi Năm Roi","phone":"+84912345678","zalo":"","regionId":"can-tho.phu-huu","address":"Ấp Phú Khánh","story":"",` +
		`"bank":{"bin":"970436","accountNumber":"0123","holder":"NGUYEN VAN A"},"shippingFeeVnd":30000,"freeShippingOverVnd":0,` +
		`"status":"verified","statusNote":"","statusBy":"o1","statusAt":{"$date":"2026-05-01T00:00:00Z"},"verifiedBy":"o1","verifiedAt":{"$date":"2026-05-01T00:00:00Z"},` +
		`"firstVerifiedAt":{"$date":"2025-05-01T00:00:00Z"},` +
		`"version":4,"updatedAt":{"$date":"2026-05-01T00:00:00Z"}}}`
	if got != want {
		t.Errorf("sellerUpdate =\n%s\nwant\n%s", got, want)
	}
}

func TestProductQueries(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"seller listing", productListPipeline(catalog.Filter{SellerID: "s1", Statuses: []catalog.Status{catalog.StatusDraft, catalog.StatusActive}, After: "p9"}, 21),
			`[{"$match":{"sellerId":"s1","status":{"$in":["draft","active"]},"_id":{"$gt":"p9"}}},{"$sort":{"_id":1}},{"$limit":21}]`},
		{"public listing", productListPipeline(catalog.Filter{PublicOnly: true}, 11),
			`[{"$match":{"status":"active"}},{"$sort":{"_id":1}},` +
				`{"$lookup":{"from":"sellers","localField":"sellerId","foreignField":"_id","as":"seller"}},` +
				`{"$match":{"seller.status":"verified"}},{"$project":{"seller":0}},{"$limit":11}]`},
		{"images update", imagesUpdate([]catalog.Image{{ID: "i1", DisplayKey: "products/p/i1.jpg", ThumbKey: "products/p/i1-thumb.jpg", Width: 1600, Height: 1200, CreatedAt: now}}, now),
			`{"$set":{"images":[{"id":"i1","displayKey":"products/p/i1.jpg","thumbKey":"products/p/i1-thumb.jpg","width":1600,"height":1200,"createdAt":{"$date":"2026-05-01T00:00:00Z"}}],` +
				`"searchDirty":true,"updatedAt":{"$date":"2026-05-01T00:00:00Z"}},"$inc":{"version":1}}`},
		{"seller dirty", dirtyUpdate(), `{"$set":{"searchDirty":true},"$inc":{"version":1}}`},
		{"expired filter", expiredFilter(now), `{"ocop.status":"verified","ocop.expiresAt":{"$lte":{"$date":"2026-05-01T00:00:00Z"}},"ocopExpirySeen":false}`},
		{"pending certificates", pendingCertificatesFilter(catalog.CertificateFilter{}), `{"ocop.status":"pending","status":{"$ne":"archived"}}`},
		{"pending certificates in a region", pendingCertificatesFilter(catalog.CertificateFilter{RegionIDs: []string{"can-tho", "can-tho.thanh-xuan"}}),
			`{"ocop.status":"pending","status":{"$ne":"archived"},"regionId":{"$in":["can-tho","can-tho.thanh-xuan"]}}`},
		{"pending certificates order", pendingCertificatesSort, `{"updatedAt":1,"_id":1}`},
	}
	for _, tt := range tests {
		if got := extJSON(t, tt.got); got != tt.want {
			t.Errorf("%s =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

func TestProductUpdate(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	p := catalog.Product{ID: "p1", Name: "Khóm Cầu Đúc", CategoryID: "trai-cay", Unit: "trái", Price: 15000,
		Tiers: []catalog.PriceTier{{MinQty: 10, Price: 12000}}, Stock: 300, MinOrderQty: 2, RegionID: "can-tho.vi-thanh", Status: catalog.StatusActive,
		OCOP:      catalog.Certificate{Stars: 4, Number: "HG-01", IssuedBy: catalog.IssuedByProvince, IssuedAt: now.AddDate(-1, 0, 0), ExpiresAt: now.AddDate(-0, 0, -1), Status: catalog.OCOPVerified},
		UpdatedAt: now}
	got := extJSON(t, productUpdate(p))
	want := `{"$set":{"name":"Khóm Cầu Đúc","description":"","categoryId":"trai-cay","unit":"trái","priceVnd":15000,` +
		`"priceTiers":[{"minQty":10,"priceVnd":12000}],"stock":300,"minOrderQty":2,` +
		`"regionId":"can-tho.vi-thanh","season":"","preorder":false,"status":"active",` +
		`"ocop":{"stars":4,"number":"HG-01","issuedBy":"province","issuedAt":{"$date":"2025-05-01T00:00:00Z"},"expiresAt":{"$date":"2026-04-30T00:00:00Z"},` +
		`"status":"verified","verifiedBy":"","verifiedAt":{"$date":{"$numberLong":"-62135596800000"}},"note":""},"ocopExpirySeen":true,` +
		`"searchDirty":true,"updatedAt":{"$date":"2026-05-01T00:00:00Z"}},"$inc":{"version":1}}`
	if got != want {
		t.Errorf("productUpdate =\n%s\nwant\n%s", got, want)
	}
}
