// Package uptaketest is the contract suite of uptake.Store: a fixed
// dataset of sellers, listings and orders whose every figure is worked out
// by hand below, run through the uptake service over each adapter.
package uptaketest

import (
	"time"

	"github.com/ocopmarket/market"
)

// Seller is a seller as the figures see it.
type Seller struct {
	ID, Kind, Status, RegionID string
	OwnerAccountID             string
	CreatedAt, VerifiedAt      time.Time
	// FirstVerifiedAt is when the seller was first verified, if before
	// VerifiedAt (verified again since).
	FirstVerifiedAt time.Time
}

// FirstVerified is when the seller was first verified.
func (s Seller) FirstVerified() time.Time {
	if !s.FirstVerifiedAt.IsZero() {
		return s.FirstVerifiedAt
	}
	return s.VerifiedAt
}

// Product is a listing as the figures see it.
type Product struct {
	ID, SellerID, Status string
	// CreatedBy is the account that listed it; Assisted when it was a helper.
	CreatedBy     string
	Assisted      bool
	OCOPStars     int
	OCOPNumber    string
	OCOPStatus    string // "", "pending", "verified", "rejected"
	OCOPExpiresAt time.Time
	CreatedAt     time.Time
}

// Order is an order as the figures see it, with the buyer details that
// must never reach a figure.
type Order struct {
	ID, SellerID, SellerRegionID, ShippingRegionID string
	BuyerKey, BuyerName, BuyerPhone, Address       string
	Method, PaymentStatus, Status                  string
	Total                                          market.VND
	CreatedAt, PlacedAt, PaidAt, ShippedAt         time.Time
	CancelledAt                                    time.Time
}

// Dataset is everything the suite seeds.
type Dataset struct {
	Sellers  []Seller
	Products []Product
	Orders   []Order
}

// Accounts returns the ids of every account the dataset refers to
// (owners, helpers, creators), for stores that check references.
func (d Dataset) Accounts() []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, s := range d.Sellers {
		add(s.OwnerAccountID)
	}
	for _, p := range d.Products {
		add(p.CreatedBy)
	}
	return out
}

// At is a time in Vietnam time.
func At(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, market.VietnamTime).UTC()
}

// Region ids of the dataset (all in the embedded tree).
const (
	CanTho     = "can-tho"
	ThanhXuan  = "can-tho.thanh-xuan"
	NinhKieu   = "can-tho.ninh-kieu"
	CaiKhe     = "can-tho.cai-khe"
	AnGiang    = "an-giang"
	TriTon     = "an-giang.tri-ton"
	HoChiMinh  = "ho-chi-minh"
	january    = time.January
	february   = time.February
	december   = time.December
	thousandVN = market.VND(1000)
)

// Now is the suite's clock: mid-February 2026, Vietnam time.
var Now = At(2026, february, 15, 10, 0)

// Fixed is the dataset. The figures it must give are in suite.go, each
// with the reasoning that gives it.
func Fixed() Dataset {
	return Dataset{
		Sellers: []Seller{
			{ID: "s1", Kind: "household", Status: "verified", RegionID: ThanhXuan, OwnerAccountID: "acc-s1", CreatedAt: At(2025, 6, 1, 9, 0), VerifiedAt: At(2025, 6, 3, 9, 0)},
			// Verified again on 10 February, after a change of kind: its
			// listings were on sale since 2 September all the same.
			{ID: "s2", Kind: "cooperative", Status: "verified", RegionID: NinhKieu, OwnerAccountID: "acc-s2", CreatedAt: At(2025, 9, 1, 9, 0),
				VerifiedAt: At(2026, february, 10, 9, 0), FirstVerifiedAt: At(2025, 9, 2, 9, 0)},
			{ID: "s3", Kind: "enterprise", Status: "pending", RegionID: CaiKhe, OwnerAccountID: "acc-s3", CreatedAt: At(2026, january, 20, 9, 0)},
			{ID: "s4", Kind: "household", Status: "verified", RegionID: TriTon, OwnerAccountID: "acc-s4", CreatedAt: At(2025, 5, 1, 9, 0), VerifiedAt: At(2025, 5, 2, 9, 0)},
			// Registered after January: not in January's figures.
			{ID: "s5", Kind: "cooperative", Status: "verified", RegionID: NinhKieu, OwnerAccountID: "acc-s5", CreatedAt: At(2026, february, 5, 9, 0), VerifiedAt: At(2026, february, 6, 9, 0)},
		},
		Products: []Product{
			{ID: "p1", SellerID: "s1", Status: "active", CreatedBy: "acc-s1", OCOPStars: 4, OCOPNumber: "CT-001", OCOPStatus: "verified", OCOPExpiresAt: At(2027, 5, 1, 0, 0), CreatedAt: At(2025, 7, 1, 9, 0)},
			// Listed by a helper of the community digital team.
			{ID: "p2", SellerID: "s1", Status: "active", CreatedBy: "acc-helper", Assisted: true, CreatedAt: At(2025, 8, 1, 9, 0)},
			// Verified once, expired on the last day of 2025.
			{ID: "p3", SellerID: "s2", Status: "active", CreatedBy: "acc-helper", Assisted: true, OCOPStars: 3, OCOPNumber: "CT-002", OCOPStatus: "verified", OCOPExpiresAt: At(2025, december, 31, 0, 0), CreatedAt: At(2025, 10, 1, 9, 0)},
			// Certificate not yet verified by an official.
			{ID: "p4", SellerID: "s2", Status: "active", CreatedBy: "acc-s2", OCOPStars: 5, OCOPNumber: "CT-003", OCOPStatus: "pending", OCOPExpiresAt: At(2028, 1, 1, 0, 0), CreatedAt: At(2025, 11, 1, 9, 0)},
			// Paused: not listed.
			{ID: "p5", SellerID: "s2", Status: "paused", CreatedBy: "acc-s2", OCOPStars: 4, OCOPNumber: "CT-004", OCOPStatus: "verified", OCOPExpiresAt: At(2028, 1, 1, 0, 0), CreatedAt: At(2025, 11, 2, 9, 0)},
			{ID: "p6", SellerID: "s4", Status: "active", CreatedBy: "acc-s4", OCOPStars: 3, OCOPNumber: "AG-001", OCOPStatus: "verified", OCOPExpiresAt: At(2028, 1, 1, 0, 0), CreatedAt: At(2025, 6, 1, 9, 0)},
			// Certificate number typed in lower case with spaces: still matches CT-005.
			{ID: "p7", SellerID: "s2", Status: "active", CreatedBy: "acc-s2", OCOPStars: 5, OCOPNumber: " ct-005 ", OCOPStatus: "verified", OCOPExpiresAt: At(2028, 1, 1, 0, 0), CreatedAt: At(2026, january, 10, 9, 0)},
			// Listed in February.
			{ID: "p8", SellerID: "s2", Status: "active", CreatedBy: "acc-s2", CreatedAt: At(2026, february, 3, 9, 0)},
			// Of a seller not verified yet (s3): not on sale, so neither
			// listed nor online for CT-006.
			{ID: "p9", SellerID: "s3", Status: "active", CreatedBy: "acc-s3", OCOPStars: 3, OCOPNumber: "CT-006", OCOPStatus: "verified", OCOPExpiresAt: At(2028, 1, 1, 0, 0), CreatedAt: At(2026, january, 21, 9, 0)},
			// Listed on 5 February, a day before its seller was verified:
			// on sale from 6 February.
			{ID: "p10", SellerID: "s5", Status: "active", CreatedBy: "acc-s5", CreatedAt: At(2026, february, 5, 9, 30)},
		},
		Orders: []Order{
			// Cash on delivery, shipped to another commune of Cần Thơ 12 hours later.
			{ID: "o1", SellerID: "s1", SellerRegionID: ThanhXuan, ShippingRegionID: NinhKieu, BuyerKey: "a:b1", BuyerName: "Trần Văn An", BuyerPhone: "+84911000001", Address: "12 Trần Hưng Đạo",
				Method: "cod", PaymentStatus: "on_delivery", Status: "shipped", Total: 100 * thousandVN,
				CreatedAt: At(2026, january, 5, 9, 0), PlacedAt: At(2026, january, 5, 9, 0), ShippedAt: At(2026, january, 5, 21, 0)},
			// Card, to Hồ Chí Minh City (outside the province), shipped 24 hours after payment.
			{ID: "o2", SellerID: "s1", SellerRegionID: ThanhXuan, ShippingRegionID: HoChiMinh, BuyerKey: "a:b1", BuyerName: "Trần Văn An", BuyerPhone: "+84911000001", Address: "5 Lê Lợi, Quận 1",
				Method: "card", PaymentStatus: "paid", Status: "delivered", Total: 250 * thousandVN,
				CreatedAt: At(2026, january, 10, 9, 55), PlacedAt: At(2026, january, 10, 10, 0), PaidAt: At(2026, january, 10, 10, 0), ShippedAt: At(2026, january, 11, 10, 0)},
			// Bank transfer, paid, not shipped yet.
			{ID: "o3", SellerID: "s2", SellerRegionID: NinhKieu, ShippingRegionID: NinhKieu, BuyerKey: "g:h1", BuyerName: "Lê Thị Hoa", BuyerPhone: "+84911000003", Address: "Hẻm 51, Cái Khế",
				Method: "bank_transfer", PaymentStatus: "paid", Status: "confirmed", Total: 300 * thousandVN,
				CreatedAt: At(2026, january, 20, 7, 0), PlacedAt: At(2026, january, 20, 8, 0), PaidAt: At(2026, january, 20, 8, 0)},
			// Card, paid, then cancelled and refunded: cancelled, not counted.
			{ID: "o4", SellerID: "s2", SellerRegionID: NinhKieu, ShippingRegionID: NinhKieu, BuyerKey: "g:h2", BuyerName: "Phạm Minh", BuyerPhone: "+84911000004", Address: "8 Mậu Thân",
				Method: "card", PaymentStatus: "refunded", Status: "refunded", Total: 400 * thousandVN,
				CreatedAt: At(2026, january, 15, 9, 0), PlacedAt: At(2026, january, 15, 9, 5), PaidAt: At(2026, january, 15, 9, 5), CancelledAt: At(2026, january, 16, 9, 0)},
			// Bank transfer never paid: neither counted nor cancelled.
			{ID: "o5", SellerID: "s2", SellerRegionID: NinhKieu, ShippingRegionID: NinhKieu, BuyerKey: "g:h3", BuyerName: "Võ Văn Năm", BuyerPhone: "+84911000005", Address: "3 Hòa Bình",
				Method: "bank_transfer", PaymentStatus: "awaiting_transfer", Status: "pending_payment", Total: 500 * thousandVN,
				CreatedAt: At(2026, january, 25, 9, 0)},
			// One minute before midnight on 31 January, Vietnam time: January.
			{ID: "o6", SellerID: "s1", SellerRegionID: ThanhXuan, ShippingRegionID: ThanhXuan, BuyerKey: "a:b2", BuyerName: "Ngô Thị Sáu", BuyerPhone: "+84911000006", Address: "Ấp Thạnh Lợi",
				Method: "cod", PaymentStatus: "on_delivery", Status: "shipped", Total: 50 * thousandVN,
				CreatedAt: At(2026, january, 31, 23, 59), PlacedAt: At(2026, january, 31, 23, 59), ShippedAt: At(2026, february, 1, 5, 59)},
			// Midnight on 1 February, Vietnam time (17:00 UTC on 31 January): February.
			{ID: "o7", SellerID: "s1", SellerRegionID: ThanhXuan, ShippingRegionID: ThanhXuan, BuyerKey: "a:b1", BuyerName: "Trần Văn An", BuyerPhone: "+84911000001", Address: "12 Trần Hưng Đạo",
				Method: "cod", PaymentStatus: "on_delivery", Status: "placed", Total: 70 * thousandVN,
				CreatedAt: At(2026, february, 1, 0, 0), PlacedAt: At(2026, february, 1, 0, 0)},
			// A seller in An Giang: never in Cần Thơ's figures.
			{ID: "o8", SellerID: "s4", SellerRegionID: TriTon, ShippingRegionID: NinhKieu, BuyerKey: "a:b1", BuyerName: "Trần Văn An", BuyerPhone: "+84911000001", Address: "12 Trần Hưng Đạo",
				Method: "cod", PaymentStatus: "on_delivery", Status: "placed", Total: 80 * thousandVN,
				CreatedAt: At(2026, january, 12, 9, 0), PlacedAt: At(2026, january, 12, 9, 0)},
			// Cash on delivery cancelled by the buyer the same day: cancelled, and h1 is not a repeat buyer.
			{ID: "o9", SellerID: "s2", SellerRegionID: NinhKieu, ShippingRegionID: NinhKieu, BuyerKey: "g:h1", BuyerName: "Lê Thị Hoa", BuyerPhone: "+84911000003", Address: "Hẻm 51, Cái Khế",
				Method: "cod", PaymentStatus: "on_delivery", Status: "cancelled", Total: 120 * thousandVN,
				CreatedAt: At(2026, january, 8, 9, 0), PlacedAt: At(2026, january, 8, 9, 0), CancelledAt: At(2026, january, 8, 11, 0)},
			// A card checkout never paid, cancelled when its hold ran out: never placed, so not a cancellation.
			{ID: "o10", SellerID: "s2", SellerRegionID: NinhKieu, ShippingRegionID: NinhKieu, BuyerKey: "g:h4", BuyerName: "Đỗ Bảy", BuyerPhone: "+84911000010", Address: "9 Nguyễn Trãi",
				Method: "card", PaymentStatus: "failed", Status: "cancelled", Total: 60 * thousandVN,
				CreatedAt: At(2026, january, 22, 9, 0), CancelledAt: At(2026, january, 22, 9, 30)},
			// One minute before the new year: December.
			{ID: "o11", SellerID: "s2", SellerRegionID: NinhKieu, ShippingRegionID: NinhKieu, BuyerKey: "g:h1", BuyerName: "Lê Thị Hoa", BuyerPhone: "+84911000003", Address: "Hẻm 51, Cái Khế",
				Method: "cod", PaymentStatus: "on_delivery", Status: "delivered", Total: 90 * thousandVN,
				CreatedAt: At(2025, december, 31, 23, 59), PlacedAt: At(2025, december, 31, 23, 59), ShippedAt: At(2026, january, 2, 0, 0)},
		},
	}
}

// RegistryCSV is Cần Thơ's registry: six certificates, of which CT-001
// (p1) and CT-005 (p7) are on a verified, active, unexpired listing; CT-002
// is expired, CT-003 unverified, CT-004 paused, CT-006 listed by a seller
// not verified yet (p9).
const RegistryCSV = "\uFEFFcertificateNo,productName,stars,holder\r\n" +
	"CT-001,Hoa súng Lê Sánh,4,Hộ Nguyễn Văn Một\r\n" +
	"CT-002,Bánh pía,3,HTX Ninh Kiều\r\n" +
	"CT-003,Mật ong rừng tràm,5,HTX Ninh Kiều\r\n" +
	"CT-004,Nem nướng,4,HTX Ninh Kiều\r\n" +
	"CT-005,Gạo thơm,5,HTX Ninh Kiều\r\n" +
	"CT-006,Khô cá lóc,3,Hộ Trần Văn Hai\r\n" +
	"CT-007,Cá thát lát,9,Hộ Lê Văn Ba\r\n"
