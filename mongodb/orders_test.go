package mongodb

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/orders/orderstest"
)

func TestOrderStoreContract(t *testing.T) {
	orderstest.Run(t, func(t *testing.T) orderstest.Backend {
		db := openTestDB(t)
		ctx := context.Background()
		return orderstest.Backend{
			Store: db.Orders(),
			AddSeller: func(t testing.TB, s orderstest.Seller) {
				if s.Status == "" {
					s.Status = "verified"
				}
				helpers := bson.A{}
				if s.HelperAccountID != "" {
					helpers = append(helpers, bson.D{{Key: "accountId", Value: s.HelperAccountID}})
				}
				if _, err := db.db.Collection("sellers").InsertOne(ctx, bson.D{{Key: "_id", Value: s.ID}, {Key: "ownerId", Value: s.OwnerAccountID},
					{Key: "name", Value: s.Name}, {Key: "regionId", Value: s.RegionID}, {Key: "status", Value: s.Status},
					{Key: "bank", Value: bson.D{{Key: "bin", Value: s.Bank.BIN}, {Key: "accountNumber", Value: s.Bank.Number}, {Key: "holder", Value: s.Bank.Holder}}},
					{Key: "shippingFeeVnd", Value: int64(s.ShippingFee)}, {Key: "freeShippingOverVnd", Value: int64(s.FreeShippingOver)},
					{Key: "helpers", Value: helpers}}); err != nil {
					t.Fatal(err)
				}
			},
			AddProduct: func(t testing.TB, p orderstest.Product) {
				if p.Status == "" {
					p.Status = "active"
				}
				tiers := bson.A{}
				for _, x := range p.Tiers {
					tiers = append(tiers, bson.D{{Key: "minQty", Value: x.MinQty}, {Key: "priceVnd", Value: int64(x.Price)}})
				}
				if _, err := db.db.Collection("products").InsertOne(ctx, bson.D{{Key: "_id", Value: p.ID}, {Key: "sellerId", Value: p.SellerID},
					{Key: "name", Value: p.Name}, {Key: "unit", Value: p.Unit}, {Key: "status", Value: p.Status}, {Key: "priceVnd", Value: int64(p.Price)},
					{Key: "priceTiers", Value: tiers}, {Key: "stock", Value: p.Stock}, {Key: "minOrderQty", Value: max(p.MinOrderQty, 1)},
					{Key: "sold", Value: 0}, {Key: "version", Value: 1}, {Key: "searchDirty", Value: false}}); err != nil {
					t.Fatal(err)
				}
			},
			Product: func(t testing.TB, id string) orderstest.ProductState {
				var d struct {
					Stock, Sold, Version int
					SearchDirty          bool `bson:"searchDirty"`
				}
				if err := db.db.Collection("products").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
					t.Fatal(err)
				}
				if d.Stock < 0 {
					t.Fatalf("product %s has negative stock %d", id, d.Stock)
				}
				return orderstest.ProductState{Stock: d.Stock, Sold: d.Sold, Version: d.Version, SearchDirty: d.SearchDirty}
			},
		}
	})
}

func TestReserveBuilders(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 3, 4, 0, time.UTC)
	if got, want := extJSON(t, reserveFilter("p1", 3)), `{"_id":"p1","stock":{"$gte":3}}`; got != want {
		t.Errorf("reserveFilter = %s, want %s", got, want)
	}
	if got, want := extJSON(t, stockUpdate(3, now)), `{"$inc":{"stock":-3,"sold":3,"version":1},"$set":{"searchDirty":true,"updatedAt":{"$date":"2026-05-01T02:03:04Z"}}}`; got != want {
		t.Errorf("stockUpdate = %s, want %s", got, want)
	}
	if got, want := extJSON(t, stockUpdate(-3, now)), `{"$inc":{"stock":3,"sold":-3,"version":1},"$set":{"searchDirty":true,"updatedAt":{"$date":"2026-05-01T02:03:04Z"}}}`; got != want {
		t.Errorf("stockUpdate(return) = %s, want %s", got, want)
	}
}

func TestTransitionUpdate(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	got := extJSON(t, transitionUpdate(orders.Confirmed, orders.Change{To: orders.Shipped, At: at, By: "a1", Party: orders.PartySeller, TrackingNumber: "GHN1"}))
	want := `{"$set":{"status":"shipped","shippedAt":{"$date":"2026-05-01T00:00:00Z"},"updatedAt":{"$date":"2026-05-01T00:00:00Z"},"trackingNumber":"GHN1"},` +
		`"$push":{"history":{"from":"confirmed","to":"shipped","by":"a1","party":"seller","at":{"$date":"2026-05-01T00:00:00Z"}}}}`
	if got != want {
		t.Errorf("transitionUpdate =\n%s\nwant\n%s", got, want)
	}
}

func TestOrderListFilter(t *testing.T) {
	cursor := encodeCursor(orders.Order{ID: "o9", CreatedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	f, err := orderListFilter(orders.Filter{SellerID: "s1", Statuses: []orders.Status{orders.Placed, orders.Confirmed}, Cursor: cursor})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sellerId":"s1","status":{"$in":["placed","confirmed"]},"$or":[{"createdAt":{"$lt":{"$date":"2026-05-01T00:00:00Z"}}},{"createdAt":{"$date":"2026-05-01T00:00:00Z"},"_id":{"$lt":"o9"}}]}`
	if got := extJSON(t, f); got != want {
		t.Errorf("filter =\n%s\nwant\n%s", got, want)
	}
	if _, err := orderListFilter(orders.Filter{}); err == nil {
		t.Error("a list without seller or buyer was accepted")
	}
}

func TestOrderDocRoundTrip(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	o := orders.Order{ID: "o1", Code: "CT-7K3F9Q", CheckoutID: "c1", SellerID: "s1", SellerRegionID: "can-tho.thanh-xuan",
		Buyer: orders.Buyer{Name: "An", Phone: "+84912345678"}, BuyerKey: "g:x", Method: orders.COD, PaymentStatus: orders.OnDelivery,
		Status: orders.Placed, Lines: []orders.Line{{ProductID: "p1", Name: "Hoa súng", Unit: "bó", Qty: 2, UnitPrice: 25000, LineTotal: 50000}},
		Subtotal: 50000, Total: 50000, CreatedAt: at, UpdatedAt: at, PlacedAt: at,
		History: []orders.Transition{{To: orders.Placed, Party: orders.PartyBuyer, At: at}}}
	raw, err := bson.Marshal(toOrderDoc(o))
	if err != nil {
		t.Fatal(err)
	}
	var d orderDoc
	if err := bson.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	back := fromOrderDoc(d)
	if back.Code != o.Code || back.Lines[0] != o.Lines[0] || !back.PlacedAt.Equal(at) || !back.PaidAt.IsZero() || back.History[0].To != orders.Placed {
		t.Errorf("round trip = %+v", back)
	}
	var m bson.M
	_ = bson.Unmarshal(raw, &m)
	if _, ok := m["paidAt"]; ok {
		t.Error("an unpaid order stores paidAt")
	}
}
