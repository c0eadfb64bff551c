package catalog

import (
	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/sellers"
)

// Action is something done to a listing.
type Action string

// The actions on a listing.
const (
	// ViewHidden is seeing a listing that is not public (a draft, paused or
	// archived listing, or any listing of a seller not verified).
	ViewHidden Action = "view_hidden"
	// Create is listing a new product for the seller.
	Create Action = "create"
	// Edit is changing a listing, its photos and its status.
	Edit Action = "edit"
	// ReviewOCOP is verifying or rejecting its OCOP certificate.
	ReviewOCOP Action = "review_ocop"
)

// permissions is the one table of who may do what to a listing. An
// official's region is matched against the product's region of origin.
var permissions = map[Action][]sellers.Relation{
	ViewHidden: {sellers.Owner, sellers.HelperOf, sellers.OfficialIn, sellers.Admin},
	Create:     {sellers.Owner, sellers.HelperOf, sellers.Admin},
	Edit:       {sellers.Owner, sellers.HelperOf, sellers.Admin},
	ReviewOCOP: {sellers.OfficialIn, sellers.Admin},
}

// Allowed reports whether any of the relations may do the action.
func Allowed(action Action, rels []sellers.Relation) bool {
	for _, r := range rels {
		for _, ok := range permissions[action] {
			if r == ok {
				return true
			}
		}
	}
	return false
}

// Can reports whether the actor may do the action to a listing of the
// seller whose region of origin is regionID.
//
// The seller chooses a listing's region of origin, so an official counts
// as "in region" only where their region holds both the listing's origin
// and the shop; and nobody reviews the certificate of their own shop.
func Can(a market.Actor, s sellers.Seller, regionID string, action Action, scope sellers.RegionScope) bool {
	rels := sellers.RelationsOf(a, s, regionID, scope)
	shopInScope := scope != nil && a.RegionID != "" && scope.Contains(a.RegionID, s.RegionID)
	ownShop := a.AccountID == s.OwnerID || s.HasHelper(a.AccountID)
	for i, r := range rels {
		if r == sellers.OfficialIn && (!shopInScope || (action == ReviewOCOP && ownShop)) {
			rels[i] = sellers.OfficialOut
		}
	}
	return Allowed(action, rels)
}
