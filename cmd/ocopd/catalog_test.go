package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market/httpserver/apitest"
)

// marketplace is a running server with accounts in every role.
type marketplace struct {
	srv                                      *testServer
	c                                        *apitest.Client
	admin, official, officialAG, owner, help string // tokens
	buyer                                    string
	helperID                                 string
}

func signIn(t *testing.T, c *apitest.Client, phone, password string) (string, string) {
	t.Helper()
	resp := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": phone, "password": password})
	var s session
	resp.JSON(t, &s)
	if resp.Status != http.StatusCreated {
		t.Fatalf("sign in %s: %d %s", phone, resp.Status, resp.Body)
	}
	return s.Token, s.Account.ID
}

func newMarketplace(t *testing.T) *marketplace {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL", "OCOP_RATE_LIMITS": "off"}
	getenv := func(k string) string { return env[k] }
	for _, a := range [][]string{
		{"admin", "0900000001", ""}, {"official", "0900000002", "can-tho"}, {"official", "0900000003", "an-giang"},
	} {
		args := []string{"accounts", "create", "--role", a[0], "--phone", a[1], "--name", "Cán bộ " + a[1], "--password-stdin"}
		if a[2] != "" {
			args = append(args, "--region", a[2])
		}
		if err := run(context.Background(), args, getenv, strings.NewReader("officials-pass\n"), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	srv := startServer(t, env)
	c := apitest.New(t, srv.URL)
	m := &marketplace{srv: srv, c: c}
	m.admin, _ = signIn(t, c, "0900000001", "officials-pass")
	m.official, _ = signIn(t, c, "0900000002", "officials-pass")
	m.officialAG, _ = signIn(t, c, "0900000003", "officials-pass")
	for i, p := range []*string{&m.owner, &m.help, &m.buyer} {
		phone := fmt.Sprintf("091200000%d", i)
		if resp := c.Do("POST", "/api/v1/accounts", map[string]string{"phone": phone, "password": "farm-pass-1", "name": "Người dùng " + phone}); resp.Status != 201 {
			t.Fatalf("sign up: %d %s", resp.Status, resp.Body)
		}
		var id string
		*p, id = signIn(t, c, phone, "farm-pass-1")
		if i == 1 {
			m.helperID = id
		}
	}
	return m
}

type sellerJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Bank   *struct {
		AccountNumber string `json:"accountNumber"`
	} `json:"bank"`
	Version int64 `json:"version"`
}

type productJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Stock    int    `json:"stock"`
	Status   string `json:"status"`
	Assisted bool   `json:"assisted"`
	Version  int64  `json:"version"`
	Seller   *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"seller"`
	OCOP *struct {
		Verified bool   `json:"verified"`
		Badge    bool   `json:"badge"`
		Expires  string `json:"expiresAt"`
	} `json:"ocop"`
	Images []imageJSON `json:"images"`
}

type imageJSON struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumbUrl"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

func expect(t *testing.T, what string, resp *apitest.Response, status int) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("%s: got %d %s, want %d", what, resp.Status, resp.Body, status)
	}
}

// openShop makes a verified seller of the owner with the helper, and returns its id.
func (m *marketplace) openShop(t *testing.T) string {
	t.Helper()
	resp := m.c.As(m.owner).Do("POST", "/api/v1/sellers", map[string]any{
		"name": "HTX Hoa súng Lê Sánh", "kind": "cooperative", "phone": "0912 345 678", "regionId": "can-tho.thanh-xuan",
		"address": "Ấp Thạnh Lợi", "bank": map[string]string{"bin": "970436", "accountNumber": "0123456789", "holder": "LE VAN SANH"},
		"shippingFeeVnd": 30000, "freeShippingOverVnd": 500000})
	expect(t, "open shop", resp, 201)
	var s sellerJSON
	resp.JSON(t, &s)
	expect(t, "verify", m.c.As(m.official).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify", "note": "Đã kiểm tra giấy phép"}), 200)
	expect(t, "add helper", m.c.As(m.owner).Do("POST", "/api/v1/sellers/"+s.ID+"/helpers", map[string]string{"accountId": m.helperID}), 200)
	return s.ID
}

func (m *marketplace) listProduct(t *testing.T, token, sellerID string) productJSON {
	t.Helper()
	resp := m.c.As(token).Do("POST", "/api/v1/products", map[string]any{
		"sellerId": sellerID, "name": "Hoa súng Lê Sánh", "description": "Hoa súng ruộng", "categoryId": "rau-cu", "unit": "bó",
		"priceVnd": 25000, "priceTiers": []map[string]int{{"minQty": 20, "priceVnd": 20000}}, "stock": 120, "minOrderQty": 1, "status": "active",
		"ocop": map[string]any{"stars": 4, "certificateNo": "OCOP-CT-018", "issuedBy": "province", "issuedAt": "2024-05-01", "expiresAt": "2030-05-01"}})
	expect(t, "list product", resp, 201)
	var p productJSON
	resp.JSON(t, &p)
	if resp.Header.Get("ETag") != fmt.Sprintf(`"%d"`, p.Version) {
		t.Fatalf("ETag %q for version %d", resp.Header.Get("ETag"), p.Version)
	}
	return p
}

func TestSellerOnboardingAndVerification(t *testing.T) {
	m := newMarketplace(t)
	c := m.c
	resp := c.As(m.owner).Do("POST", "/api/v1/sellers", map[string]any{"name": "Vườn bưởi Năm Roi", "kind": "household", "phone": "0912345678",
		"regionId": "can-tho.phu-huu", "address": "Ấp Phú Khánh", "bank": map[string]string{"bin": "970436", "accountNumber": "0123456789", "holder": "NGUYEN VAN TU"}})
	expect(t, "create", resp, 201)
	var s sellerJSON
	resp.JSON(t, &s)
	if s.Status != "pending" || s.Bank == nil {
		t.Fatalf("new seller: %s", resp.Body)
	}
	me := c.As(m.owner).Do("GET", "/api/v1/me", nil)
	if !strings.Contains(string(me.Body), `"seller"`) {
		t.Errorf("the owner did not gain the seller role: %s", me.Body)
	}
	expect(t, "anonymous sees a pending seller", c.Do("GET", "/api/v1/sellers/"+s.ID, nil), 404)
	expect(t, "official of another province verifies", c.As(m.officialAG).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify"}), 404)
	expect(t, "buyer verifies", c.As(m.buyer).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify"}), 404)
	expect(t, "reject without a reason", c.As(m.official).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "reject"}), 400)
	expect(t, "suspend a pending seller", c.As(m.official).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "suspend", "note": "x"}), 409)
	resp = c.As(m.official).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify", "note": "Đã đến tận vườn"})
	expect(t, "official of Cần Thơ verifies", resp, 200)
	var v sellerJSON
	resp.JSON(t, &v)
	if v.Status != "verified" || v.Bank != nil {
		t.Errorf("after verification, as the official: %s", resp.Body)
	}
	resp = c.Do("GET", "/api/v1/sellers/"+s.ID, nil)
	expect(t, "public profile", resp, 200)
	if strings.Contains(string(resp.Body), "0123456789") {
		t.Errorf("the public sees the bank account: %s", resp.Body)
	}
	resp = c.As(m.owner).Do("GET", "/api/v1/sellers/"+s.ID, nil)
	if !strings.Contains(string(resp.Body), "0123456789") {
		t.Errorf("the owner does not see the bank account: %s", resp.Body)
	}
	expect(t, "stale seller patch", c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+s.ID, map[string]string{"story": "Ba đời trồng bưởi"}, "If-Match", `"1"`), 412)
	expect(t, "seller patch", c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+s.ID, map[string]string{"story": "Ba đời trồng bưởi"}), 200)
	expect(t, "admin changes the bank account", c.As(m.admin).Do("PATCH", "/api/v1/sellers/"+s.ID, map[string]any{"bank": map[string]string{"bin": "970405", "accountNumber": "999999", "holder": "X"}}), 200)

	list := c.Do("GET", "/api/v1/sellers?regionId=can-tho", nil)
	expect(t, "public list", list, 200)
	if !strings.Contains(string(list.Body), s.ID) {
		t.Errorf("a verified seller is missing from the list of its province: %s", list.Body)
	}
	if l := c.Do("GET", "/api/v1/sellers?regionId=an-giang", nil); strings.Contains(string(l.Body), s.ID) {
		t.Errorf("a Cần Thơ seller listed under An Giang")
	}
	expect(t, "suspend", c.As(m.official).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "suspend", "note": "Phản ánh của người mua"}), 200)
	if l := c.Do("GET", "/api/v1/sellers", nil); strings.Contains(string(l.Body), s.ID) {
		t.Errorf("a suspended seller is listed publicly")
	}
	resp = c.As(m.owner).Do("POST", "/api/v1/products", map[string]any{"sellerId": s.ID, "name": "Bưởi", "categoryId": "trai-cay", "unit": "kg", "priceVnd": 35000, "stock": 10})
	expect(t, "a suspended seller lists", resp, 403)
	expect(t, "bad query", c.Do("GET", "/api/v1/sellers?status=closed", nil), 400)
}

func TestProductLifecycle(t *testing.T) {
	m := newMarketplace(t)
	c := m.c
	sellerID := m.openShop(t)

	p := m.listProduct(t, m.help, sellerID)
	if !p.Assisted || p.OCOP == nil || p.OCOP.Verified || p.OCOP.Badge || p.OCOP.Expires != "2030-05-01" {
		t.Fatalf("a helper's listing: %+v", p)
	}
	own := m.listProduct(t, m.owner, sellerID)
	if own.Assisted {
		t.Errorf("the owner's listing is marked assisted")
	}
	expect(t, "a buyer lists for the shop", c.As(m.buyer).Do("POST", "/api/v1/products", map[string]any{"sellerId": sellerID, "name": "X", "categoryId": "rau-cu", "unit": "bó", "priceVnd": 1, "stock": 1}), 403)
	resp := c.As(m.owner).Do("POST", "/api/v1/products", map[string]any{"sellerId": sellerID, "name": "", "categoryId": "nope", "unit": "thùng lớn",
		"priceVnd": 0, "stock": -1, "priceTiers": []map[string]int{{"minQty": 10, "priceVnd": 30000}}})
	expect(t, "bad listing", resp, 400)
	for _, f := range []string{"name", "categoryId", "unit", "priceVnd", "stock"} {
		if !strings.Contains(string(resp.Body), `"`+f+`"`) {
			t.Errorf("the error does not name %s: %s", f, resp.Body)
		}
	}
	if strings.Contains(string(resp.Body), "priceTiers") {
		t.Errorf("a tier is blamed for the invalid price: %s", resp.Body)
	}

	resp = c.Do("GET", "/api/v1/products/"+p.ID, nil)
	expect(t, "public get", resp, 200)
	var got productJSON
	resp.JSON(t, &got)
	if got.Seller == nil || got.Seller.ID != sellerID || resp.Header.Get("ETag") != `"1"` {
		t.Fatalf("get: %s %v", resp.Body, resp.Header)
	}
	expect(t, "stale patch", c.As(m.owner).Do("PATCH", "/api/v1/products/"+p.ID, map[string]int{"stock": 90}, "If-Match", `"0"`), 412)
	resp = c.As(m.owner).Do("PATCH", "/api/v1/products/"+p.ID, map[string]int{"stock": 90}, "If-Match", `"1"`)
	expect(t, "patch", resp, 200)
	resp.JSON(t, &got)
	if got.Stock != 90 || got.Version != 2 || resp.Header.Get("ETag") != `"2"` {
		t.Errorf("after patch: %s", resp.Body)
	}
	expect(t, "the same If-Match again", c.As(m.help).Do("PATCH", "/api/v1/products/"+p.ID, map[string]int{"stock": 80}, "If-Match", `"1"`), 412)
	expect(t, "a buyer patches", c.As(m.buyer).Do("PATCH", "/api/v1/products/"+p.ID, map[string]int{"stock": 1}), 403)

	expect(t, "An Giang official verifies a Cần Thơ certificate", c.As(m.officialAG).Do("POST", "/api/v1/products/"+p.ID+"/ocop-verification", map[string]string{"decision": "verify"}), 403)
	resp = c.As(m.official).Do("POST", "/api/v1/products/"+p.ID+"/ocop-verification", map[string]string{"decision": "verify", "note": "Đối chiếu quyết định"})
	expect(t, "OCOP verification", resp, 200)
	resp.JSON(t, &got)
	if !got.OCOP.Verified || !got.OCOP.Badge {
		t.Errorf("after verification: %s", resp.Body)
	}
	// Changing the certificate takes the badge away until it is checked again.
	resp = c.As(m.owner).Do("PATCH", "/api/v1/products/"+p.ID, map[string]any{"ocop": map[string]any{"stars": 5, "certificateNo": "OCOP-CT-018", "issuedBy": "national", "issuedAt": "2024-05-01", "expiresAt": "2030-05-01"}})
	resp.JSON(t, &got)
	if got.OCOP.Verified || got.OCOP.Badge {
		t.Errorf("a changed certificate kept its badge: %s", resp.Body)
	}

	// Drafts are hidden from the public but not from the shop.
	expect(t, "pause", c.As(m.owner).Do("PATCH", "/api/v1/products/"+own.ID, map[string]string{"status": "draft"}), 200)
	expect(t, "anonymous sees a draft", c.Do("GET", "/api/v1/products/"+own.ID, nil), 404)
	expect(t, "the helper sees a draft", c.As(m.help).Do("GET", "/api/v1/products/"+own.ID, nil), 200)
	pub := c.Do("GET", "/api/v1/products?sellerId="+sellerID, nil)
	shop := c.As(m.owner).Do("GET", "/api/v1/products?sellerId="+sellerID, nil)
	if strings.Contains(string(pub.Body), own.ID) || !strings.Contains(string(pub.Body), p.ID) || !strings.Contains(string(shop.Body), own.ID) {
		t.Errorf("listing visibility: public %s\nshop %s", pub.Body, shop.Body)
	}

	qr := c.Do("GET", "/p/"+p.ID+"/qr.png", nil)
	if qr.Status != 200 || qr.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(qr.Body, []byte("\x89PNG")) {
		t.Errorf("product QR: %d %v", qr.Status, qr.Header)
	}
	if qr := c.Do("GET", "/s/"+sellerID+"/qr.png?size=256", nil); qr.Status != 200 {
		t.Errorf("shop QR: %d", qr.Status)
	}
	expect(t, "QR of a hidden product", c.Do("GET", "/p/"+own.ID+"/qr.png", nil), 404)

	expect(t, "archive", c.As(m.owner).Do("DELETE", "/api/v1/products/"+p.ID, nil), 204)
	expect(t, "anonymous sees an archived product", c.Do("GET", "/api/v1/products/"+p.ID, nil), 404)

	t.Run("pagination", func(t *testing.T) {
		var ids []string
		for i := 0; i < 5; i++ {
			ids = append(ids, m.listProduct(t, m.owner, sellerID).ID)
		}
		seen := map[string]bool{}
		cursor := ""
		for page := 0; page < 10; page++ {
			resp := c.Do("GET", "/api/v1/products?limit=2&cursor="+cursor, nil)
			var body struct {
				Items      []productJSON `json:"items"`
				NextCursor string        `json:"nextCursor"`
			}
			resp.JSON(t, &body)
			for _, it := range body.Items {
				if seen[it.ID] {
					t.Errorf("%s repeated", it.ID)
				}
				seen[it.ID] = true
			}
			if body.NextCursor == "" {
				break
			}
			cursor = body.NextCursor
		}
		for _, id := range ids {
			if !seen[id] {
				t.Errorf("%s skipped", id)
			}
		}
	})
}

// phoneJPEG encodes a w×h photo with an EXIF orientation, as phones save
// portraits: the pixels lie on their side and the tag says "turn me".
func phoneJPEG(t testing.TB, w, h int, orientation uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{250, 20, 20, 255} // a red corner, to see where it went
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	// APP1 Exif segment: a little-endian TIFF with one IFD entry, Orientation.
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, byte(orientation), 0, 0, 0, 0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	jpg := buf.Bytes()
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// hugePNGHeader is a PNG whose header claims 60000×60000 pixels: a
// decompression bomb must be refused before anything is decoded.
func hugePNGHeader() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 60000)
	binary.BigEndian.PutUint32(ihdr[4:], 60000)
	ihdr[8], ihdr[9] = 8, 2
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(bytes.Repeat([]byte{0}, 64))
	return b.Bytes()
}

func (m *marketplace) upload(t *testing.T, token, productID string, data []byte) *apitest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("image", "IMG_2026.jpg")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", m.srv.URL+"/api/v1/products/"+productID+"/images", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return m.c.Send(req)
}

func TestProductImages(t *testing.T) {
	m := newMarketplace(t)
	sellerID := m.openShop(t)
	p := m.listProduct(t, m.help, sellerID)

	// A 12-megapixel landscape sensor image with "rotate 90° clockwise".
	photo := phoneJPEG(t, 4032, 3024, 6)
	resp := m.upload(t, m.help, p.ID, photo)
	expect(t, "phone photo", resp, 201)
	var img imageJSON
	resp.JSON(t, &img)
	if img.Width != 1200 || img.Height != 1600 {
		t.Errorf("display size %d×%d, want the portrait 1200×1600", img.Width, img.Height)
	}
	got := m.c.Do("GET", strings.TrimPrefix(img.URL, m.srv.URL), nil)
	if got.Status != 200 || got.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(got.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("serving the photo: %d %v", got.Status, got.Header)
	}
	if bytes.Contains(got.Body, []byte("Exif")) {
		t.Error("the stored photo still carries EXIF metadata")
	}
	dec, err := jpeg.Decode(bytes.NewReader(got.Body))
	if err != nil {
		t.Fatal(err)
	}
	if b := dec.Bounds(); b.Dx() != 1200 || b.Dy() != 1600 {
		t.Errorf("stored photo is %v", b)
	}
	// Orientation 6: the sensor's top-left (red) corner ends at the top right.
	if r, g, _, _ := dec.At(1100, 100).RGBA(); r>>8 < 200 || g>>8 > 80 {
		t.Errorf("the red corner is not at the top right: %d %d", r>>8, g>>8)
	}
	thumb := m.c.Do("GET", strings.TrimPrefix(img.ThumbURL, m.srv.URL), nil)
	if td, err := jpeg.Decode(bytes.NewReader(thumb.Body)); err != nil || td.Bounds().Dy() != 400 {
		t.Errorf("thumbnail: %v", err)
	}

	for _, bad := range []struct {
		name   string
		data   []byte
		status int
	}{
		{"not an image", []byte("%PDF-1.7 this is a price list, not a photo"), 400},
		{"truncated JPEG", photo[:len(photo)/3], 400},
		{"60000×60000 header", hugePNGHeader(), 400},
	} {
		resp := m.upload(t, m.help, p.ID, bad.data)
		if resp.Status != bad.status || !strings.Contains(string(resp.Body), `"image"`) {
			t.Errorf("%s: %d %s", bad.name, resp.Status, resp.Body)
		}
	}
	expect(t, "still healthy", m.c.Do("GET", "/healthz", nil), 200)
	expect(t, "a buyer uploads", m.upload(t, m.buyer, p.ID, photo), 403)

	// Up to eight photos, reorderable, deletable.
	small := func(i int) []byte {
		var buf bytes.Buffer
		im := image.NewRGBA(image.Rect(0, 0, 40+i, 30))
		png.Encode(&buf, im)
		return buf.Bytes()
	}
	for i := 1; i < 8; i++ {
		expect(t, fmt.Sprintf("photo %d", i+1), m.upload(t, m.owner, p.ID, small(i)), 201)
	}
	expect(t, "a ninth photo", m.upload(t, m.owner, p.ID, small(9)), 409)
	resp = m.c.Do("GET", "/api/v1/products/"+p.ID, nil)
	var full productJSON
	resp.JSON(t, &full)
	if len(full.Images) != 8 || full.Images[0].ID != img.ID {
		t.Fatalf("images: %d, first %s", len(full.Images), full.Images[0].ID)
	}
	order := []string{}
	for i := len(full.Images) - 1; i >= 0; i-- {
		order = append(order, full.Images[i].ID)
	}
	resp = m.c.As(m.owner).Do("PUT", "/api/v1/products/"+p.ID+"/images/order", map[string][]string{"imageIds": order})
	expect(t, "reorder", resp, 200)
	resp.JSON(t, &full)
	if full.Images[7].ID != img.ID {
		t.Errorf("after reorder the phone photo is not last")
	}
	expect(t, "reorder with a missing id", m.c.As(m.owner).Do("PUT", "/api/v1/products/"+p.ID+"/images/order", map[string][]string{"imageIds": order[:3]}), 400)
	expect(t, "delete", m.c.As(m.owner).Do("DELETE", "/api/v1/products/"+p.ID+"/images/"+img.ID, nil), 204)
	expect(t, "deleted blob", m.c.Do("GET", strings.TrimPrefix(img.URL, m.srv.URL), nil), 404)
	expect(t, "delete again", m.c.As(m.owner).Do("DELETE", "/api/v1/products/"+p.ID+"/images/"+img.ID, nil), 404)
}

// TestPageCacheMetrics: /metrics tells how many product pages came from
// memory, how many from the file, and what the cache holds.
func TestPageCacheMetrics(t *testing.T) {
	m := newMarketplace(t)
	p := m.listProduct(t, m.owner, m.openShop(t))
	for range 3 {
		expect(t, "product page", m.c.Do("GET", "/api/v1/products/"+p.ID, nil), 200)
	}
	metric := func(name string) float64 {
		t.Helper()
		body := string(m.c.Do("GET", "/metrics", nil).Body)
		for _, line := range strings.Split(body, "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
		}
		t.Fatalf("no %s in /metrics", name)
		return 0
	}
	// The first read of the product came from the file, the pages after
	// it from memory.
	if hits, misses := metric("ocop_page_cache_hits_total"), metric("ocop_page_cache_misses_total"); hits < 2 || misses < 1 {
		t.Errorf("%v pages from memory and %v from the file, after three reads of one product", hits, misses)
	}
	if n, bytes := metric("ocop_page_cache_products"), metric("ocop_page_cache_bytes"); n < 1 || bytes < 1<<20 {
		t.Errorf("the cache holds %v products in %v bytes", n, bytes)
	}

	// Started again on the same data, the server fills its cache by
	// itself: the product's first visitor is served from memory.
	if err := m.srv.stop(); err != nil {
		t.Fatal(err)
	}
	env := maps.Clone(m.srv.env)
	delete(env, "OCOP_ADDR") // a port of its own
	again := startServer(t, env)
	m.c = apitest.New(t, again.URL)
	deadline := time.Now().Add(time.Minute)
	for metric("ocop_page_cache_products") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("a restarted server did not fill its page cache")
		}
		time.Sleep(20 * time.Millisecond)
	}
	expect(t, "product page after a restart", m.c.Do("GET", "/api/v1/products/"+p.ID, nil), 200)
	if hits, misses := metric("ocop_page_cache_hits_total"), metric("ocop_page_cache_misses_total"); hits != 1 || misses != 0 {
		t.Errorf("the first page after a restart: %v from memory, %v from the file", hits, misses)
	}
}

// TestProductPageAndSearchPaths: the product page and search, served
// before the router, answer every path and method as the router does:
// metrics and logs name the route, a query that does not parse is refused
// in the caller's language, other methods get 405 with Allow, paths the
// router cleans are redirected, and an id holding a "/" is not found.
func TestProductPageAndSearchPaths(t *testing.T) {
	m := newMarketplace(t)
	p := m.listProduct(t, m.owner, m.openShop(t))
	expect(t, "product page", m.c.Do("GET", "/api/v1/products/"+p.ID, nil), 200)
	expect(t, "search", m.c.Do("GET", "/api/v1/search?q=hoa+sung", nil), 200)
	expect(t, "suggestions", m.c.Do("GET", "/api/v1/search/suggest?q=hoa", nil), 200)
	metrics := string(m.c.Do("GET", "/metrics", nil).Body)
	for _, route := range []string{"/api/v1/products/{id}", "/api/v1/search", "/api/v1/search/suggest"} {
		if !strings.Contains(metrics, `ocop_http_requests_total{method="GET",route="`+route+`",status="200"} 1`) {
			t.Errorf("/metrics does not count one request of %s", route)
		}
	}

	// Answers carry the security headers; the referrer policy, which only
	// a page's links use, goes on pages.
	api, page := m.c.Do("GET", "/api/v1/products/"+p.ID, nil), m.c.Do("GET", "/", nil)
	for _, r := range []*apitest.Response{api, page} {
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("X-Frame-Options") != "DENY" || r.Header.Get("X-Request-Id") == "" {
			t.Errorf("security headers: %v", r.Header)
		}
	}
	if api.Header.Get("Referrer-Policy") != "" || page.Header.Get("Referrer-Policy") != "strict-origin-when-cross-origin" {
		t.Errorf("referrer policy: API %q, page %q", api.Header.Get("Referrer-Policy"), page.Header.Get("Referrer-Policy"))
	}

	resp := m.c.Do("GET", "/api/v1/products/"+p.ID+"?lang=%zz", nil)
	expect(t, "a query that does not parse", resp, 400)
	if !strings.Contains(string(resp.Body), "Tham số trên địa chỉ không hợp lệ") {
		t.Errorf("a query that does not parse: %s", resp.Body)
	}
	en := *m.c
	en.Lang = "en"
	if resp := en.Do("GET", "/api/v1/search?q=%", nil); resp.Status != 400 || !strings.Contains(string(resp.Body), "A query parameter is not valid") {
		t.Errorf("a search whose query does not parse, in English: %d %s", resp.Status, resp.Body)
	}

	for _, method := range []string{"HEAD", "PUT", "DELETE"} {
		resp := m.c.Do(method, "/api/v1/search", nil)
		if resp.Status != 405 || !strings.Contains(resp.Header.Get("Allow"), "GET") {
			t.Errorf("%s /api/v1/search: %d, Allow %q", method, resp.Status, resp.Header.Get("Allow"))
		}
	}
	if resp := m.c.Do("POST", "/api/v1/products/"+p.ID, nil); resp.Status != 405 || !strings.Contains(resp.Header.Get("Allow"), "PATCH") {
		t.Errorf("POST of a product: %d, Allow %q", resp.Status, resp.Header.Get("Allow"))
	}

	// Outside the API's document: a path to clean first.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := noRedirect.Get(m.srv.URL + "/api/v1/products/./" + p.ID); err != nil {
		t.Error(err)
	} else if resp.Body.Close(); resp.StatusCode != 301 || resp.Header.Get("Location") != "/api/v1/products/"+p.ID {
		t.Errorf("an uncleaned product path: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/api/v1/products/" + p.ID + "%2Fx", "/api/v1/products/no-such-product", "/api/v1/search/"} {
		if resp := m.c.Do("GET", path, nil); resp.Status != 404 || resp.ErrorCode() != "not_found" {
			t.Errorf("GET %s: %d %s", path, resp.Status, resp.Body)
		}
	}
}

// TestPageCacheOff: OCOP_PAGE_CACHE_MB=0 serves every product page from
// the file, and /metrics reports no page cache.
func TestPageCacheOff(t *testing.T) {
	srv := startServer(t, map[string]string{"OCOP_PAGE_CACHE_MB": "0"})
	body := string(apitest.New(t, srv.URL).Do("GET", "/metrics", nil).Body)
	if strings.Contains(body, "ocop_page_cache_") || !strings.Contains(body, "ocop_search_sync_lag_seconds") {
		t.Fatalf("with the page cache off /metrics reads:\n%.2000s", body)
	}
}
