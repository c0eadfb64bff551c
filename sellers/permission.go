package sellers

import "github.com/ocopmarket/market"

// Relation is how a person stands towards one seller (or one of its
// products). A person may hold several relations at once (an admin who also
// owns a shop); an action is allowed when any of them allows it.
type Relation string

// The relations, from the least to the most privileged.
const (
	Anonymous   Relation = "anonymous"    // not signed in
	Buyer       Relation = "buyer"        // signed in, no tie to this seller
	Owner       Relation = "owner"        // opened the shop
	HelperOf    Relation = "helper"       // acts for the shop with the owner's consent
	OfficialIn  Relation = "official_in"  // official whose region contains the seller's
	OfficialOut Relation = "official_out" // official of another region
	Admin       Relation = "admin"
)

// Relations lists every relation, for matrices.
var Relations = []Relation{Anonymous, Buyer, Owner, HelperOf, OfficialIn, OfficialOut, Admin}

// Action is something done to a seller.
type Action string

// The actions on a seller.
const (
	// ViewHidden is seeing a seller that is not verified (pending,
	// rejected, suspended); verified sellers are public.
	ViewHidden Action = "view_hidden"
	// ViewBank is seeing the bank account.
	ViewBank Action = "view_bank"
	// Update is changing the profile (name, address, story, shipping…).
	Update Action = "update"
	// UpdateBank is changing the bank account.
	UpdateBank Action = "update_bank"
	// Review is verifying, rejecting or suspending.
	Review Action = "review"
	// ManageHelpers is adding and removing helpers.
	ManageHelpers Action = "manage_helpers"
	// ActFor is creating and editing listings for the seller.
	ActFor Action = "act_for"
)

// permissions is the one table of who may do what to a seller.
var permissions = map[Action][]Relation{
	ViewHidden:    {Owner, HelperOf, OfficialIn, Admin},
	ViewBank:      {Owner, Admin},
	Update:        {Owner, HelperOf, Admin},
	UpdateBank:    {Owner, Admin},
	Review:        {OfficialIn, Admin},
	ManageHelpers: {Owner},
	ActFor:        {Owner, HelperOf, Admin},
}

// RegionScope answers whether one region lies inside another; the regions
// tree implements it.
type RegionScope interface {
	Contains(ancestorID, id string) bool
}

// RelationsOf returns the relations of an actor towards a seller whose
// region is regionID (for products, the product's region).
func RelationsOf(a market.Actor, s Seller, regionID string, scope RegionScope) []Relation {
	if !a.SignedIn() {
		return []Relation{Anonymous}
	}
	rels := []Relation{Buyer}
	if a.AccountID == s.OwnerID {
		rels = append(rels, Owner)
	}
	if s.HasHelper(a.AccountID) {
		rels = append(rels, HelperOf)
	}
	if a.Has(market.RoleOfficial) {
		if a.RegionID != "" && scope != nil && scope.Contains(a.RegionID, regionID) {
			rels = append(rels, OfficialIn)
		} else {
			rels = append(rels, OfficialOut)
		}
	}
	if a.IsAdmin() {
		rels = append(rels, Admin)
	}
	return rels
}

// Allowed reports whether any of the relations may do the action.
func Allowed(action Action, rels []Relation) bool {
	for _, r := range rels {
		for _, ok := range permissions[action] {
			if r == ok {
				return true
			}
		}
	}
	return false
}

// Can reports whether the actor may do the action to the seller.
func Can(a market.Actor, s Seller, action Action, scope RegionScope) bool {
	return Allowed(action, RelationsOf(a, s, s.RegionID, scope))
}
