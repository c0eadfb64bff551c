package orders

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market"
)

func TestCodePrefix(t *testing.T) {
	for in, want := range map[string]string{
		"can-tho.thanh-xuan": "CT",
		"ho-chi-minh":        "HCM",
		"hue":                "HU",
		"dong-thap.cao-lanh": "DT",
		"":                   "OC",
	} {
		if got := CodePrefix(in); got != want {
			t.Errorf("CodePrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodesAvoidLookAlikes(t *testing.T) {
	for i := 0; i < 2000; i++ {
		c := randomCode(6)
		if len(c) != 6 || strings.ContainsAny(c, "01OILUV") {
			t.Fatalf("code %q", c)
		}
	}
	for in, want := range map[string]string{"ct-7k3f9q": "CT-7K3F9Q", " CT 7K3F9Q ": "CT-7K3F9Q", "hcm7k3f9q": "HCM-7K3F9Q", "x": "X"} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReferencesInBankDescriptions(t *testing.T) {
	for in, want := range map[string]string{
		"MBVCB.3345.OCOP7K3F9QAB CT-7K3F9Q.CT tu 0011": "OCOP7K3F9QAB",
		"ocop 7k3f9qab thanh toan":                     "OCOP7K3F9QAB",
		"Chuyển tiền OCOP-7K3F-9QAB":                   "OCOP7K3F9QAB",
		"no reference here":                            "",
		"OCOP12":                                       "",
	} {
		got := References(in)
		if (want == "") != (len(got) == 0) || want != "" && got[0] != want {
			t.Errorf("References(%q) = %v, want %q", in, got, want)
		}
	}
}

func TestValidateRequest(t *testing.T) {
	ok := CheckoutRequest{IdempotencyKey: "abcdefgh", Items: []Item{{ProductID: "p1", Qty: 2}, {ProductID: "p1", Qty: 3}},
		Buyer: Buyer{Name: " An "}, Phone: "0912 345 678", Shipping: Shipping{Address: "1 Lê Lợi", RegionID: "can-tho"}, Method: COD}
	got, err := ok.validate()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 1 || got.Items[0].Qty != 5 || got.Buyer.Phone != "+84912345678" || got.Buyer.Name != "An" {
		t.Errorf("validated = %+v", got)
	}
	bad := CheckoutRequest{IdempotencyKey: "short", Items: []Item{{ProductID: "p1", Qty: 0}}, Phone: "123", Method: "cash"}
	_, err = bad.validate()
	e, _ := err.(*market.Error)
	for _, f := range []string{"Idempotency-Key", "items[0].qty", "buyer.name", "buyer.phone", "shipping.address", "shipping.regionId", "paymentMethod"} {
		if e == nil || e.Fields[f].EN == "" {
			t.Errorf("no problem reported for %s: %v", f, err)
		}
	}
}

func TestHashTellsBodiesApart(t *testing.T) {
	a := CheckoutRequest{Items: []Item{{ProductID: "p1", Qty: 2}}, Method: COD}
	b := a
	b.Items = []Item{{ProductID: "p1", Qty: 3}}
	c := a
	c.Buyer.AccountID = "someone"
	if a.hash() == b.hash() || a.hash() == c.hash() || a.hash() != a.hash() {
		t.Error("hash does not identify the request")
	}
}

func TestGuestBuyerKeyHidesThePhone(t *testing.T) {
	k := buyerKey(Buyer{Phone: "+84912345678"}, []byte("secret"))
	if !strings.HasPrefix(k, "g:") || strings.Contains(k, "912345678") || k == buyerKey(Buyer{Phone: "+84912345678"}, []byte("other")) {
		t.Errorf("guest key %q", k)
	}
	if buyerKey(Buyer{AccountID: "a1", Phone: "+84912345678"}, nil) != "a:a1" {
		t.Error("account key")
	}
}

func TestBuildHoldsUnpaidStockOnly(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := ProductSnapshot{ID: "p1", Name: "Gạo", Unit: "kg", Status: "active", Price: 30000, Stock: 10, MinOrderQty: 1,
		Seller: SellerSnapshot{ID: "s1", RegionID: "an-giang", Status: "verified", ShippingFee: 15000}}
	for method, hold := range map[Method]bool{COD: false, Card: true} {
		d := draft{req: CheckoutRequest{IdempotencyKey: "k", Items: []Item{{ProductID: "p1", Qty: 2}}, Method: method},
			now: now, hold: 30 * time.Minute, newCode: func(p string) string { return p + "-AAAAAA" }}
		c, err := d.build([]ProductSnapshot{p})
		if err != nil {
			t.Fatal(err)
		}
		if got := !c.HoldUntil.IsZero(); got != hold || c.Orders[0].Code != "AG-AAAAAA" || c.Total != 75000 {
			t.Errorf("%s: hold %v code %s total %v", method, c.HoldUntil, c.Orders[0].Code, c.Total)
		}
	}
}
