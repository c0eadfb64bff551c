package orders

import (
	"fmt"
	"testing"

	"github.com/ocopmarket/market"
)

// TestTransitionMatrix checks every (from, to, party) against the table of
// DESIGN, written out here by hand: buyer cancels before confirmation and
// completes a delivered order; seller (owner) confirms, ships, delivers and
// cancels before shipping; helper confirms, ships and delivers; admin may
// make every move of the machine; the system cancels unpaid orders,
// completes and refunds.
func TestTransitionMatrix(t *testing.T) {
	allowed := map[string]bool{}
	allow := func(from, to Status, parties ...Party) {
		for _, p := range parties {
			allowed[fmt.Sprint(from, to, p)] = true
		}
	}
	allow(Placed, Confirmed, PartySeller, PartyHelper, PartyAdmin)
	allow(Confirmed, Shipped, PartySeller, PartyHelper, PartyAdmin)
	allow(Shipped, Delivered, PartySeller, PartyHelper, PartyAdmin)
	allow(Delivered, Completed, PartyBuyer, PartyAdmin, PartySystem)
	allow(PendingPayment, Cancelled, PartyBuyer, PartySeller, PartyAdmin, PartySystem)
	allow(Placed, Cancelled, PartyBuyer, PartySeller, PartyAdmin)
	allow(Confirmed, Cancelled, PartySeller, PartyAdmin)
	allow(Cancelled, Refunded, PartyAdmin, PartySystem)

	edges := map[string]bool{}
	for m := range rules {
		edges[fmt.Sprint(m.from, m.to)] = true
	}
	parties := []Party{PartyBuyer, PartySeller, PartyHelper, PartyAdmin, PartySystem}
	checked := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			for _, p := range parties {
				o := Order{Status: from, PaymentStatus: Paid}
				m := Move{To: to, TrackingNumber: "GHN1", Note: "lý do"}
				got, err := authorize(o, []Party{p}, m)
				var want market.Code
				switch {
				case !edges[fmt.Sprint(from, to)]:
					want = market.Conflict
				case !allowed[fmt.Sprint(from, to, p)]:
					want = market.Forbidden
				}
				if market.ErrorCode(err) != want {
					t.Errorf("%s → %s by %s: %v, want %q", from, to, p, err, want)
				}
				if want == "" && got != p {
					t.Errorf("%s → %s by %s: acting party %s", from, to, p, got)
				}
				checked++
			}
		}
	}
	if checked != len(Statuses)*len(Statuses)*len(parties) || len(allowed) != 23 {
		t.Fatalf("checked %d cells, %d allowed", checked, len(allowed))
	}
	// Nothing leaves a final state except a paid cancellation's refund.
	for m := range rules {
		if m.from == Completed || m.from == Refunded || m.from == Delivered && m.to == Cancelled {
			t.Errorf("final or shipped state %s has a move to %s", m.from, m.to)
		}
	}
}

func TestAuthorizeDetails(t *testing.T) {
	cases := []struct {
		name    string
		order   Order
		parties []Party
		move    Move
		want    market.Code
		field   string
		acting  Party
	}{
		{"shipping needs a tracking number", Order{Status: Confirmed}, []Party{PartySeller}, Move{To: Shipped}, market.Invalid, "trackingNumber", ""},
		{"seller cancelling says why", Order{Status: Placed}, []Party{PartySeller}, Move{To: Cancelled}, market.Invalid, "note", ""},
		{"buyer cancels without a reason", Order{Status: Placed}, []Party{PartyBuyer}, Move{To: Cancelled}, "", "", PartyBuyer},
		{"admin cancels without a reason", Order{Status: Confirmed}, []Party{PartyAdmin}, Move{To: Cancelled}, "", "", PartyAdmin},
		{"seller buying from own shop acts as seller", Order{Status: Placed}, []Party{PartyBuyer, PartySeller}, Move{To: Cancelled, Note: "x"}, "", "", PartySeller},
		{"helper may not cancel", Order{Status: Placed}, []Party{PartyHelper}, Move{To: Cancelled, Note: "x"}, market.Forbidden, "", ""},
		{"nothing to refund when unpaid", Order{Status: Cancelled, PaymentStatus: OnDelivery}, []Party{PartyAdmin}, Move{To: Refunded}, market.Conflict, "", ""},
		{"no party at all", Order{Status: Placed}, nil, Move{To: Confirmed}, market.Forbidden, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := authorize(tc.order, tc.parties, tc.move)
			if market.ErrorCode(err) != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.field != "" && err.(*market.Error).Fields[tc.field].VI == "" {
				t.Errorf("no message for %s: %v", tc.field, err)
			}
			if got != tc.acting {
				t.Errorf("acting %q, want %q", got, tc.acting)
			}
		})
	}
}
