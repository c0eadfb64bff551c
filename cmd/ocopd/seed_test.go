package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sqlite"
)

func runCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL"}
	var out strings.Builder
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

// dump describes every seller and product of a data directory, without
// the random ids of the demo accounts.
func dump(t *testing.T, dir string) string {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "ocop.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	err = db.Catalog().EachProduct(context.Background(), func(p catalog.Product) error {
		s, err := db.Sellers().SellerByID(context.Background(), p.SellerID)
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%d|%d|%v|%s|%d|%s|%v\n", p.ID, s.Name, s.Status, s.RegionID, p.Name, p.Price, p.Stock, p.Tiers, p.Status, p.OCOP.Stars, p.OCOP.Status, p.Assisted)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSeedDemo(t *testing.T) {
	// The demo's year of orders ends today: both runs must see the same
	// day (in Vietnam and in UTC), so a pair that straddles a midnight is
	// made again.
	var a, b, outA, outB string
	sameDay := func(x, y time.Time) bool {
		return x.UTC().Format(time.DateOnly) == y.UTC().Format(time.DateOnly) &&
			x.In(market.VietnamTime).Format(time.DateOnly) == y.In(market.VietnamTime).Format(time.DateOnly)
	}
	for attempt := 0; ; attempt++ {
		a, b = t.TempDir(), t.TempDir()
		start := time.Now()
		var err error
		if outA, err = runCmd(t, a, "seed", "--demo", "--seed", "7"); err != nil {
			t.Fatal(err)
		}
		if outB, err = runCmd(t, b, "seed", "--demo", "--seed", "7"); err != nil {
			t.Fatal(err)
		}
		if sameDay(start, time.Now()) || attempt == 1 {
			break
		}
	}
	if outA != outB {
		t.Errorf("same seed, different summaries:\n%s\n%s", outA, outB)
	}
	dumpA := dump(t, a)
	if dumpA != dump(t, b) {
		t.Error("the same seed made different marketplaces")
	}
	lines := strings.Count(dumpA, "\n")
	if lines < 250 || lines > 350 {
		t.Errorf("%d demo products, want about 300", lines)
	}
	for _, want := range []string{"Hoa súng", "Khóm Cầu Đúc", "Bưởi Năm Roi", "Cá thát lát", "Mật ong rừng tràm", "Đường thốt nốt", "Nấm bào ngư", "Gạo thơm", "Tắc", "Khô cá lóc", "|verified|an-giang.", "|verified|can-tho.", "|true\n"} {
		if !strings.Contains(dumpA, want) {
			t.Errorf("the demo lacks %q", want)
		}
	}
	for _, want := range []string{"40 sellers", "0900 000 001", "0900 000 002", "0900 000 004", "0900 000 005", demoPassword} {
		if !strings.Contains(outA, want) {
			t.Errorf("the summary lacks %q:\n%s", want, outA)
		}
	}

	// The shop everyone looks at first sells what its name says.
	db, err := sqlite.Open(context.Background(), filepath.Join(a, "ocop.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	leSanh, err := db.Sellers().SellerByID(context.Background(), "demo7-s0000")
	if err != nil || leSanh.Name != "HTX Hoa súng Lê Sánh" || !strings.Contains(leSanh.Story, "hoa súng") || strings.Contains(leSanh.Story, "thát lát") {
		t.Errorf("the Lê Sánh shop: %q: %q (%v)", leSanh.Name, leSanh.Story, err)
	}
	for i, want := range []string{"Hoa súng trắng", "Hoa súng hồng", "Hoa súng tím", "Ngó súng", "Hoa súng"} {
		p, err := db.Catalog().ProductByID(context.Background(), fmt.Sprintf("demo7-p%04d", i))
		if err != nil || p.SellerID != leSanh.ID || !strings.HasPrefix(p.Name, want) || p.Unit != "bó" {
			t.Errorf("Lê Sánh's product %d: %q %q (%v), want %s by the bó", i, p.Name, p.Unit, err, want)
		}
	}
	// So does the pineapple cooperative of Cầu Đúc, which "dứa" and "khóm" find.
	khom, err := db.Sellers().SellerByID(context.Background(), "demo7-s0002")
	if err != nil || khom.Name != "HTX Khóm Cầu Đúc" || khom.Status != sellers.StatusVerified {
		t.Errorf("the Cầu Đúc shop: %q, %s (%v)", khom.Name, khom.Status, err)
	}
	// Its year of orders ends now: the last ones are days old, none is in the future.
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(a, "ocop.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	// Nobody bought a product before it was listed, so no product was
	// changed before it was made.
	var early, backwards int
	if err := raw.QueryRow(`SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
		JOIN products p ON p.id = l.product_id WHERE o.created_at < p.created_at`).Scan(&early); err != nil || early != 0 {
		t.Errorf("%d demo order lines are older than their product (%v)", early, err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM products WHERE updated_at < created_at`).Scan(&backwards); err != nil || backwards != 0 {
		t.Errorf("%d demo products were updated before they were created (%v)", backwards, err)
	}
	var last int64
	err = raw.QueryRow(`SELECT max(created_at) FROM orders`).Scan(&last)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	if at := time.UnixMilli(last); at.After(time.Now()) || time.Since(at) > 10*24*time.Hour {
		t.Errorf("the newest demo order is from %v", at)
	}

	again, err := runCmd(t, a, "seed", "--demo", "--seed", "7")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(outA, "already there") {
		t.Errorf("a first seed says some of it was already there:\n%s", outA)
	}
	if !strings.Contains(again, "Created now: 0 accounts, 0 sellers, 0 helpers, 0 products") || !strings.Contains(again, "already there") || dump(t, a) != dumpA {
		t.Errorf("re-running the seed changed the marketplace:\n%s", again)
	}

	c := t.TempDir()
	if _, err := runCmd(t, c, "seed", "--demo", "--seed", "8"); err != nil {
		t.Fatal(err)
	}
	if dump(t, c) == dumpA {
		t.Error("another seed made the same marketplace")
	}
	if _, err := runCmd(t, c, "seed"); err == nil {
		t.Error("seed without --demo did something")
	}
}

func TestImportProducts(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, dir, "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	before := strings.Count(dump(t, dir), "\n")
	csv := "\ufeffname;categoryId;unit;priceVnd;stock;priceTiers;ocopStars;ocopCertificateNo;ocopIssuedBy;ocopIssuedAt;ocopExpiresAt\n" +
		"Khóm Cầu Đúc loại 1;trai-cay;trái;15.000;300;20:13000;;;;;\n" +
		"Mứt khóm;duong-banh-keo;hộp;55000;40;;4;OCOP-HG-2024-07;province;2024-03-01;2027-03-01\n" +
		";trai-cay;trái;15000;10;;;;;;\n" +
		"Khóm sấy;khong-co;túi;30000;10;;;;;;\n" +
		"Nước cốt khóm;nuoc-ep;chai;bốn mươi nghìn;10;;;;;;\n" +
		"Khóm giống;rau-cu;cây;5000;-3;;;;;;\n" +
		"Trà khóm;tra-thao-moc;hộp;70000;25;10:80000;;;;;\n" +
		"Bánh khóm;duong-banh-keo;hộp;60000;12;;7;X;province;2024-01-01;2026-01-01\n"
	file := filepath.Join(t.TempDir(), "products.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, dir, "import", file, "--seller", "demo1-s0002")
	if err == nil || !strings.Contains(err.Error(), "6 rows were not imported") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{
		"line 4: name:", "line 5: categoryId:", "line 6: priceVnd:", "line 7: stock:", "line 8: priceTiers[0].priceVnd:", "line 9: ocop.stars:",
		"dòng 6: priceVnd: không phải số tiền", "dòng 7: stock: Tồn kho phải từ 0",
		"created 2, updated 0, unchanged 0, bad rows 6.", "tạo mới 2, cập nhật 0, không đổi 0, dòng lỗi 6.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	after := dump(t, dir)
	if n := strings.Count(after, "\n"); n != before+2 {
		t.Errorf("%d products after import, want %d", n, before+2)
	}
	if !strings.Contains(after, "Khóm Cầu Đúc loại 1|15000|300|[{20 13.000 ₫}]|active") || !strings.Contains(after, "Mứt khóm|55000|40|[]|active|4|pending") {
		t.Errorf("imported rows are not as written")
	}

	// The same file again changes nothing; a changed price and stock update
	// the listing of the same name and unit, whatever the case and spacing.
	out, _ = runCmd(t, dir, "import", file, "--seller", "demo1-s0002")
	if !strings.Contains(out, "created 0, updated 0, unchanged 2, bad rows 6.") || dump(t, dir) != after {
		t.Errorf("re-import changed something:\n%s", out)
	}
	again := "name,categoryId,unit,priceVnd,stock\n" +
		"  KHÓM CẦU ĐÚC   loại 1,trai-cay,trái,16000,250\n" +
		"Khóm Cầu Đúc loại 1,trai-cay,kg,30000,50\n" +
		"Mứt khóm,duong-banh-keo,hộp,55000,40\n" +
		"Mứt khóm,duong-banh-keo,hộp,55.000\n" +
		"Mứt khóm,duong-banh-keo,hộp,55,000,40\n"
	if err := os.WriteFile(file, []byte(again), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = runCmd(t, dir, "import", file, "--seller", "demo1-s0002")
	for _, want := range []string{"created 1, updated 1, unchanged 1, bad rows 2.", "line 5: the row has 4 columns but the header has 5",
		"line 6: the row has 6 columns", "dòng 5: dòng có 4 cột"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "stock: required") {
		t.Errorf("a short row is reported as missing fields:\n%s", out)
	}
	final := dump(t, dir)
	if n := strings.Count(final, "\n"); n != before+3 || !strings.Contains(final, "Khóm Cầu Đúc loại 1|16000|250|") {
		t.Errorf("after the update: %d products, want %d; %s", n, before+3, final)
	}
	if _, err := runCmd(t, dir, "import", file, "--seller", "no-such-seller"); err == nil {
		t.Error("import into a missing seller succeeded")
	}
}

func TestRegionsImport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "communes.csv")
	os.WriteFile(file, []byte("id,name,level,parentId\nan-giang.vinh-gia,Xã Vĩnh Gia,commune,an-giang\nbad id,Xã X,commune,an-giang\n"), 0o644)
	out, err := runCmd(t, dir, "regions", "import", file)
	if err != nil || !strings.Contains(out, "Imported 1 regions (1 rows skipped)") {
		t.Fatalf("regions import: %v %s", err, out)
	}
	srv := startServer(t, map[string]string{"OCOP_DATA_DIR": dir})
	resp, err := http.Get(srv.URL + "/api/v1/regions?parent=an-giang")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"an-giang.vinh-gia"`) || !strings.Contains(string(body), "Xã Vĩnh Gia") {
		t.Errorf("the imported commune is not served: %.500s", body)
	}
}
