package httpserver

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// The officials' pages: the queues of shops and OCOP certificates waiting
// for verification in their region, and the uptake dashboard.

// official checks that the request comes from an official or an admin.
func official(r *http.Request) (market.Actor, error) {
	a := actorFrom(r.Context())
	switch {
	case !a.SignedIn():
		return a, market.ErrUnauthorized
	case !a.Has(market.RoleOfficial) && !a.IsAdmin():
		return a, market.ErrForbidden
	}
	return a, nil
}

// queueLimit bounds the shops a queue page shows.
const queueLimit = sellers.MaxPageSize

// verificationQueue gathers the shops awaiting verification in the
// official's region and the OCOP certificates of listings from there
// awaiting a check, longest waiting first.
func (s *Server) verificationQueue(r *http.Request, a market.Actor, lang string) (queuePage, error) {
	return s.verificationQueueIn(r, a, a.RegionID, lang)
}

// verificationQueueIn is the queue of one region (and those under it).
func (s *Server) verificationQueueIn(r *http.Request, a market.Actor, region, lang string) (queuePage, error) {
	ctx := r.Context()
	var out queuePage
	pending, err := s.deps.Sellers.List(ctx, a, sellers.Query{RegionID: region, Status: sellers.StatusPending, Limit: queueLimit})
	if err != nil {
		return out, err
	}
	for _, sel := range pending.Items {
		out.Sellers = append(out.Sellers, queueSeller{ID: sel.ID, Name: sel.Name, Kind: s.kindLabel(lang, sel.Kind),
			Place: s.place(sel.RegionID), Address: sel.Address, Phone: sel.Phone.Local(), CreatedAt: sel.CreatedAt})
	}
	certs, err := s.deps.Catalog.PendingCertificates(ctx, a, region, catalog.MaxPendingCertificates)
	if err != nil {
		return out, err
	}
	shops := map[string]string{}
	for _, p := range certs {
		name, ok := shops[p.SellerID]
		if !ok {
			if sel, err := s.deps.Sellers.Seller(ctx, p.SellerID); err == nil {
				name = sel.Name
			}
			shops[p.SellerID] = name
		}
		out.Certificates = append(out.Certificates, queueCert{ProductID: p.ID, ProductName: p.Name, Stars: p.OCOP.Stars,
			Number: p.OCOP.Number, IssuedAt: p.OCOP.IssuedAt, ExpiresAt: p.OCOP.ExpiresAt, SellerName: name, Place: s.place(p.RegionID),
			Expired: p.OCOP.Expired(s.now())})
	}
	return out, nil
}

func (s *Server) handleOfficialQueue() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := official(r)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "queue.title")
		p.NoIndex = true
		data, err := s.verificationQueue(r, a, p.Lang)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p.Data = data
		s.render(w, r, http.StatusOK, "official_queue", p)
	})
}

// handleSellerDecision verifies or rejects a shop from the queue.
func (s *Server) handleSellerDecision() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := official(r)
		if err == nil {
			d := sellers.Decision(r.PostFormValue("decision"))
			_, err = s.deps.Sellers.Review(r.Context(), a, mux.Vars(r)["id"], d, strings.TrimSpace(r.PostFormValue("note")))
			if err == nil {
				s.redirectWithFlash(w, r, "/official/queue", decisionFlash(string(d)))
				return
			}
		}
		s.queueError(w, r, a, err)
	})
}

// handleOCOPDecision verifies or rejects a listing's OCOP certificate.
func (s *Server) handleOCOPDecision() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := official(r)
		if err == nil {
			d := catalog.Decision(r.PostFormValue("decision"))
			_, err = s.deps.Catalog.ReviewOCOP(r.Context(), a, mux.Vars(r)["id"], d, strings.TrimSpace(r.PostFormValue("note")))
			if err == nil {
				s.redirectWithFlash(w, r, "/official/queue", decisionFlash(string(d)))
				return
			}
		}
		s.queueError(w, r, a, err)
	})
}

func decisionFlash(d string) string {
	if d == "verify" {
		return "queue.verified"
	}
	return "queue.rejected"
}

// queueError shows the queue again with what went wrong (a rejection
// needs a note), or the error page for anything else.
func (s *Server) queueError(w http.ResponseWriter, r *http.Request, a market.Actor, err error) {
	if !isFormError(err) {
		s.webError(w, r, err)
		return
	}
	p := s.newPage(r, "queue.title")
	p.NoIndex = true
	p.formError(err)
	data, qerr := s.verificationQueue(r, a, p.Lang)
	if qerr != nil {
		s.webError(w, r, qerr)
		return
	}
	p.Data = data
	s.render(w, r, statusOf[market.ErrorCode(err)], "official_queue", p)
}
