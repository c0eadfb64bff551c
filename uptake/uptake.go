// Package uptake is what trade officials read about e-commerce in their
// region: sellers and listings online, OCOP products online against the
// official registry, orders, value, buyers, cashless share, time to ship.
// Only aggregates leave it: no buyer's name, phone or address.
//
// The figures are computed by the store (SQL GROUP BY, aggregation
// pipelines), never by loading orders here; this package decides who may
// see what, validates periods, turns the store's counts into shares and
// averages, and buckets days into weeks and months in Vietnam time.
package uptake

import (
	"context"
	"time"

	"github.com/ocopmarket/market"
)

// Seller kinds, product stars and payment methods as the figures name them.
var (
	SellerKinds    = []string{"household", "cooperative", "enterprise"}
	Stars          = []int{3, 4, 5}
	PaymentMethods = []string{"cod", "card", "bank_transfer"}
)

// Scope is the set of regions a figure covers and the period it covers.
type Scope struct {
	// Regions are the region asked for and every region under it. Nil means
	// the whole country (admins only).
	Regions []string
	// From and To bound the period, [From, To).
	From, To time.Time
	// AsOf is when snapshot figures (sellers, listings, certificates) are
	// taken: the end of the period, or now if the period has not ended.
	AsOf time.Time
}

// Counts are the raw figures a store computes for one scope.
type Counts struct {
	Sellers  SellerFigures
	Products ProductCounts
	Orders   OrderCounts
}

// ProductCounts are the listing figures before shares are taken.
type ProductCounts struct {
	// Listed are active listings of sellers in the regions, created before AsOf.
	Listed int64
	// SelfService are the listed ones created by the seller's own account.
	SelfService int64
	// OCOPVerified are listed ones with an officially verified certificate
	// unexpired at AsOf; ByStars splits them by stars.
	OCOPVerified int64
	ByStars      map[int]int64
	// Registry is the number of certificates in the regions' imported
	// registries; RegistryOnline of them match a verified, active listing.
	Registry       int64
	RegistryOnline int64
}

// MethodCounts are the counted orders paid one way.
type MethodCounts struct {
	Count int64
	Value market.VND
}

// OrderCounts are the order figures of the period before shares are taken.
// An order counts when it was placed in the period (at checkout for cash on
// delivery, when paid for card and bank transfer) and is not cancelled.
type OrderCounts struct {
	ByMethod map[string]MethodCounts
	// Buyers are distinct buyers of counted orders; RepeatBuyers of them
	// made two or more.
	Buyers, RepeatBuyers int64
	// OutsideRegion are counted orders shipped to an address outside the regions.
	OutsideRegion int64
	// Cancelled are orders placed in the period and cancelled (or refunded) since.
	Cancelled int64
	// Shipped are counted orders that have shipped; MedianShipMillis is the
	// median time from placed to shipped among them.
	Shipped          int64
	MedianShipMillis float64
}

// Metric is what a series counts.
type Metric string

// The metrics of a series. Orders and GMV are per point; sellers and
// products are running totals at the end of each point.
const (
	MetricOrders   Metric = "orders"
	MetricGMV      Metric = "gmv"
	MetricSellers  Metric = "sellers"
	MetricProducts Metric = "products"
)

// DayValue is the value of a metric on one Vietnam calendar day.
type DayValue struct {
	// Start is midnight in Vietnam time.
	Start time.Time
	Value int64
}

// Daily is a metric per Vietnam day of the scope's period (days without
// anything are left out) and, for running totals, its value before From.
type Daily struct {
	Before int64
	Days   []DayValue
}

// RegistryEntry is one certified OCOP product of an official registry.
type RegistryEntry struct {
	Line          int
	CertificateNo string
	ProductName   string
	Stars         int
	Holder        string
}

// Store computes the figures. Every method aggregates in the database.
type Store interface {
	// Counts returns every figure of the summary for the scope.
	Counts(ctx context.Context, s Scope) (Counts, error)
	// CountsEach returns the figures of several disjoint scopes sharing one
	// period (the rows of a region table), in their order, at once.
	CountsEach(ctx context.Context, s []Scope) ([]Counts, error)
	// Daily returns the metric per Vietnam day of the scope's period.
	Daily(ctx context.Context, s Scope, m Metric) (Daily, error)
	// ReplaceRegistry replaces the region's registry with entries.
	ReplaceRegistry(ctx context.Context, regionID string, entries []RegistryEntry, by string, at time.Time) error
}
