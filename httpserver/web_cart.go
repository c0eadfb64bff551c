package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ocopmarket/market"
)

// The cart lives in a cookie, so that it works without an account and
// without JavaScript: "productId:qty.productId:qty". It holds only ids and
// quantities; prices are always read afresh from the catalog.
const (
	cartCookie   = "ocop_cart"
	maxCartLines = 30
	maxCartQty   = 10000
)

type cartLine struct {
	ProductID string
	Qty       int
}

type cart []cartLine

// cartFrom reads the cart cookie, dropping anything malformed.
func cartFrom(r *http.Request) cart {
	c, err := r.Cookie(cartCookie)
	if err != nil {
		return nil
	}
	var out cart
	seen := map[string]bool{}
	for _, part := range strings.Split(c.Value, ".") {
		id, q, ok := strings.Cut(part, ":")
		if !ok || !market.ValidID(id) || seen[id] {
			continue
		}
		n, err := strconv.Atoi(q)
		if err != nil || n <= 0 || n > maxCartQty {
			continue
		}
		seen[id] = true
		out = append(out, cartLine{ProductID: id, Qty: n})
		if len(out) == maxCartLines {
			break
		}
	}
	return out
}

// count is the number of lines, shown on the cart icon.
func (c cart) count() int { return len(c) }

// qty returns the quantity of a product in the cart, 0 if none.
func (c cart) qty(productID string) int {
	for _, l := range c {
		if l.ProductID == productID {
			return l.Qty
		}
	}
	return 0
}

// set returns the cart with the product's quantity set; 0 removes it.
func (c cart) set(productID string, qty int) cart {
	out := make(cart, 0, len(c)+1)
	found := false
	for _, l := range c {
		if l.ProductID == productID {
			found = true
			if qty > 0 {
				out = append(out, cartLine{ProductID: productID, Qty: min(qty, maxCartQty)})
			}
			continue
		}
		out = append(out, l)
	}
	if !found && qty > 0 && len(out) < maxCartLines {
		out = append(out, cartLine{ProductID: productID, Qty: min(qty, maxCartQty)})
	}
	return out
}

func (c cart) encode() string {
	parts := make([]string, len(c))
	for i, l := range c {
		parts[i] = l.ProductID + ":" + strconv.Itoa(l.Qty)
	}
	return strings.Join(parts, ".")
}

// saveCart writes the cart cookie for 30 days, or removes it when empty.
func (s *Server) saveCart(w http.ResponseWriter, c cart) {
	if len(c) == 0 {
		s.clearCookie(w, cartCookie)
		return
	}
	s.setCookie(w, cartCookie, c.encode(), 30*24*3600)
}
