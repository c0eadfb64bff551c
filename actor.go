package market

// Role is what an account may do.
type Role string

// The roles of DESIGN "Records".
const (
	RoleBuyer    Role = "buyer"
	RoleSeller   Role = "seller"
	RoleHelper   Role = "helper"
	RoleOfficial Role = "official"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, in order of increasing power.
var Roles = []Role{RoleBuyer, RoleSeller, RoleHelper, RoleOfficial, RoleAdmin}

// ParseRole checks a role name.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Actor is the person a request acts for. The zero Actor is anonymous.
type Actor struct {
	AccountID string
	Name      string
	Roles     []Role
	// RegionID is an official's scope: their region and everything under it.
	RegionID string
}

// SignedIn reports whether the actor is a signed-in account.
func (a Actor) SignedIn() bool { return a.AccountID != "" }

// Has reports whether the actor holds the role.
func (a Actor) Has(r Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the actor is an administrator.
func (a Actor) IsAdmin() bool { return a.Has(RoleAdmin) }
