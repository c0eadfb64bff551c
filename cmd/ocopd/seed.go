package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// seedCommand is `ocopd seed --demo [--seed N]`: realistic demo data so
// that a new marketplace looks alive. The same seed always makes the same
// marketplace, and ids are derived from the seed, so running it again adds
// nothing.
func seedCommand(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "create the demo marketplace")
	seed := fs.Uint64("seed", 1, "the seed of the demo data")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if !*demo {
		return errors.New("usage: ocopd seed --demo [--seed N]")
	}
	return seedDemo(ctx, cfg, *seed, stdout)
}

// seedDemo makes (or finds) the demo marketplace of the given seed and
// prints its demo accounts.
func seedDemo(ctx context.Context, cfg config, seed uint64, stdout io.Writer) error {
	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	accts := accounts.NewService(st.accounts, accounts.Options{})
	ms, err := newMarketServices(cfg, st, accts, market.SystemClock{})
	if err != nil {
		return err
	}
	s := newSeeder(ctx, st, ms, seed, time.Now())
	if err := s.run(); err != nil {
		return describe(err)
	}
	s.print(stdout)
	return nil
}

// demoPassword is the password of every demo account, printed at the end.
const demoPassword = "ocop-demo-2026"

// seeder makes the demo records, one function per kind of record; later
// kinds (orders) read what earlier ones made from its fields.
type seeder struct {
	ctx   context.Context
	st    *stores
	ms    *marketServices
	rng   *rand.Rand
	seed  uint64
	base  time.Time // the demo's "now": records are dated before it
	clock *market.ManualClock
	// goods[i] is the demoGoods key the i-th seller is named after.
	goods []string

	// Made or found by the steps, in order.
	demo     map[string]accounts.Account // admin, official, official-ag, helper, seller
	owners   []accounts.Account
	sellers  []sellers.Seller
	products []catalog.Product
	created  struct{ accounts, sellers, products, helpers, orders int }
}

// newSeeder prepares the demo of a seed as of today: its "now" is the start
// of today (UTC), so that its year of orders ends now, what officials see
// by default (the current month) has figures, and a seed makes the same
// marketplace all day.
func newSeeder(ctx context.Context, st *stores, ms *marketServices, seed uint64, today time.Time) *seeder {
	t := today.UTC()
	base := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &seeder{ctx: ctx, st: st, ms: ms, rng: rand.New(rand.NewPCG(seed, 0x0c0b)), seed: seed, base: base,
		clock: market.NewManualClock(base), demo: map[string]accounts.Account{}}
}

func (s *seeder) run() error {
	for _, step := range []func() error{s.seedAccounts, s.seedSellers, s.seedHelpers, s.seedProducts, s.seedOrders} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// id derives a stable id from the seed, so a re-run finds its records.
func (s *seeder) id(kind string, n int) string {
	return fmt.Sprintf("demo%d-%s%04d", s.seed, kind, n)
}

// account returns the account with the phone, creating it if needed.
func (s *seeder) account(phone, name string, role market.Role, region string) (accounts.Account, error) {
	p, err := market.ParsePhone(phone)
	if err != nil {
		return accounts.Account{}, err
	}
	if a, err := s.st.accounts.AccountByPhone(s.ctx, p); err == nil {
		return a, nil
	} else if !market.IsCode(err, market.NotFound) {
		return accounts.Account{}, err
	}
	roles := []market.Role{market.RoleBuyer}
	if role != market.RoleBuyer {
		roles = append(roles, role)
	}
	a, err := s.ms.accounts.Create(s.ctx, accounts.NewAccount{SignUp: accounts.SignUp{Phone: phone, Password: demoPassword, Name: name}, Roles: roles, RegionID: region})
	if err == nil {
		s.created.accounts++
	}
	return a, err
}

// seedAccounts makes the demo accounts people sign in with, and the
// owners of the demo shops (who share the seller's password: one hash).
func (s *seeder) seedAccounts() error {
	for _, d := range []struct {
		key, phone, name string
		role             market.Role
		region           string
	}{
		{"admin", "0900000001", "Quản trị Chợ OCOP", market.RoleAdmin, ""},
		{"official", "0900000002", "Cán bộ Sở Công Thương Cần Thơ", market.RoleOfficial, "can-tho"},
		{"official-ag", "0900000003", "Cán bộ Sở Công Thương An Giang", market.RoleOfficial, "an-giang"},
		{"helper", "0900000004", "Tổ công nghệ số cộng đồng Thạnh Xuân", market.RoleHelper, ""},
		{"seller", "0900000005", "Lê Văn Sánh", market.RoleSeller, ""},
	} {
		a, err := s.account(d.phone, d.name, d.role, d.region)
		if err != nil {
			return err
		}
		s.demo[d.key] = a
	}
	hash := s.demo["seller"].PasswordHash
	for i := range demoSellerCount {
		if i == 0 {
			s.owners = append(s.owners, s.demo["seller"])
			continue
		}
		phone := market.Phone(fmt.Sprintf("+8491%d%06d", s.seed%10, i))
		a, err := s.st.accounts.AccountByPhone(s.ctx, phone)
		if market.IsCode(err, market.NotFound) {
			a = accounts.Account{ID: s.id("a", i), Phone: phone, Name: s.personName(), PasswordHash: hash,
				Roles: []market.Role{market.RoleBuyer, market.RoleSeller}, CreatedAt: s.base, UpdatedAt: s.base}
			if err = s.st.accounts.CreateAccount(s.ctx, a); err == nil {
				s.created.accounts++
			}
		} else {
			s.personName() // keep the random sequence the same on a re-run
		}
		if err != nil {
			return err
		}
		s.owners = append(s.owners, a)
	}
	if _, err := s.ms.accounts.Grant(s.ctx, s.demo["seller"].ID, market.RoleSeller); err != nil {
		return err
	}
	return nil
}

const demoSellerCount = 40

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Dương", "Lâm", "Thạch", "Danh", "Châu", "Tăng"}
	middleNames = []string{"Văn", "Thị", "Hoàng", "Minh", "Thanh", "Ngọc", "Hữu", "Kim"}
	givenNames  = []string{"Tư", "Năm", "Sáu", "Bảy", "Út", "Hai", "Lan", "Hoa", "Phúc", "Lộc", "Thảo", "Dũng", "Sơn", "Hạnh", "Mai", "Sang", "Tâm", "Sóc"}
)

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func (s *seeder) personName() string {
	return pick(s.rng, familyNames) + " " + pick(s.rng, middleNames) + " " + pick(s.rng, givenNames)
}

// demoPlace is a commune with what it is known for.
type demoPlace struct {
	region    string
	specialty []string // keys of demoGoods
}

var demoPlaces = []demoPlace{
	{"can-tho.thanh-xuan", []string{"hoa-sung", "ca-that-lat", "cha-ca-that-lat", "bong-dien-dien", "ca-loc"}},
	{"can-tho.phu-huu", []string{"buoi-nam-roi", "xoai", "mit", "nuoc-cot-buoi"}},
	{"can-tho.vi-thanh", []string{"khom-cau-duc", "nuoc-cot-khom", "mut-khom", "tra-khom"}},
	{"can-tho.long-my", []string{"ca-that-lat", "kho-ca-loc", "tac", "mat-ong-tram"}},
	{"can-tho.nga-bay", []string{"buoi-nam-roi", "khoai-lang", "ca-loc", "oc-buou"}},
	{"can-tho.phung-hiep", []string{"ran-ca", "tac", "nam-bao-ngu", "lap-xuong"}},
	{"can-tho.ninh-kieu", []string{"banh-pia", "tour-cho-noi", "khan-ran", "tra-mang-cau"}},
	{"can-tho.cai-rang", []string{"hu-tieu", "tour-cho-noi", "banh-tet", "banh-hoi"}},
	{"can-tho.phong-dien", []string{"dau-ha-chau", "chom-chom", "tour-miet-vuon", "ruou-de", "homestay"}},
	{"can-tho.ke-sach", []string{"xoai", "mang-cau", "dua-xiem", "gao-st25"}},
	{"can-tho.my-xuyen", []string{"gao-st25", "lap-xuong", "banh-pia", "tom-cang"}},
	{"can-tho.thot-not", []string{"gao-thom", "nam-bao-ngu", "tom-cang", "ca-loc"}},
	{"an-giang.tri-ton", []string{"duong-thot-not", "trai-thot-not", "nuoc-thot-not", "tho-cam", "bo-bay-mon"}},
	{"an-giang.tinh-bien", []string{"duong-thot-not", "mat-ong-tram", "tinh-dau-tram", "tour-tra-su"}},
	{"an-giang.chau-doc", []string{"mam-thai", "mam-ca-linh", "kho-ca-sac", "banh-bo-thot-not"}},
	{"an-giang.cho-moi", []string{"xoai", "nam-bao-ngu", "khan-ran", "nhan"}},
	{"an-giang.long-xuyen", []string{"gao-thom", "kho-ca-tra", "tui-luc-binh", "gio-luc-binh"}},
	{"an-giang.rach-gia", []string{"kho-ca-sac", "nuoc-mam", "kho-muc", "tom-kho"}},
	{"an-giang.phu-quoc", []string{"nuoc-mam", "tieu", "ruou-sim", "ngoc-trai", "homestay"}},
	{"an-giang.an-phu", []string{"mam-ca-linh", "bong-dien-dien", "gao-thom", "ca-loc"}},
}

// demoRange lists the varieties a shop named after a good sells first.
var demoRange = map[string][]string{
	"hoa-sung": {"hoa-sung-trang", "hoa-sung-hong", "hoa-sung-tim", "ngo-sung"},
}

// demoGood is a kind of product with its usual unit and price.
type demoGood struct {
	name, category, unit string
	price                market.VND
	description, season  string
}

var demoGoods = map[string]demoGood{
	"hoa-sung":         {"Hoa súng", "rau-cu", "bó", 25000, "Hoa súng ruộng hái lúc sáng sớm, cọng dài giòn, nấu canh chua hay lẩu mắm đều ngon.", "tháng 7–11 (mùa nước nổi)"},
	"hoa-sung-trang":   {"Hoa súng trắng", "rau-cu", "bó", 25000, "Hoa súng trắng ruộng, cọng non giòn, bó 1 kg, hái lúc sáng sớm.", "tháng 7–11 (mùa nước nổi)"},
	"hoa-sung-hong":    {"Hoa súng hồng", "rau-cu", "bó", 28000, "Hoa súng hồng cọng dài, nấu canh chua, lẩu mắm hay cắm bình.", "tháng 7–11 (mùa nước nổi)"},
	"hoa-sung-tim":     {"Hoa súng tím", "rau-cu", "bó", 30000, "Hoa súng tím ít gặp, cọng mềm, trộn gỏi tôm thịt.", "tháng 7–11 (mùa nước nổi)"},
	"ngo-sung":         {"Ngó súng", "rau-cu", "bó", 35000, "Ngó súng trắng giòn, làm gỏi hay xào tỏi.", "tháng 8–11"},
	"ca-that-lat":      {"Cá thát lát tươi", "thuy-san", "kg", 120000, "Cá thát lát nuôi ao đất, làm sạch theo yêu cầu, giao trong ngày.", ""},
	"cha-ca-that-lat":  {"Chả cá thát lát", "kho-mam", "kg", 220000, "Chả cá thát lát quết tay, dai ngọt, đóng khay hút chân không.", ""},
	"bong-dien-dien":   {"Bông điên điển", "rau-cu", "bó", 20000, "Bông điên điển vàng tươi mùa nước nổi, xào tép hay làm gỏi.", "tháng 8–11"},
	"ca-loc":           {"Cá lóc đồng", "thuy-san", "kg", 110000, "Cá lóc đồng bắt ruộng, thịt chắc, nướng trui hay kho tộ.", ""},
	"buoi-nam-roi":     {"Bưởi Năm Roi", "trai-cay", "kg", 35000, "Bưởi Năm Roi vỏ mỏng, múi ráo, ngọt thanh, không hạt.", "quanh năm, rộ tháng 8–12"},
	"xoai":             {"Xoài cát Hòa Lộc", "trai-cay", "kg", 60000, "Xoài cát Hòa Lộc chín cây, thơm, thịt vàng mịn.", "tháng 3–6"},
	"mit":              {"Mít Thái", "trai-cay", "kg", 25000, "Mít Thái múi to, vàng giòn, tách múi sẵn theo yêu cầu.", ""},
	"nuoc-cot-buoi":    {"Trà vỏ bưởi", "tra-thao-moc", "hộp", 65000, "Trà vỏ bưởi sấy lạnh, thơm dịu.", ""},
	"khom-cau-duc":     {"Khóm Cầu Đúc", "trai-cay", "trái", 15000, "Khóm Cầu Đúc mắt cạn, thịt vàng, ngọt đậm, ít xơ.", "quanh năm"},
	"nuoc-cot-khom":    {"Nước cốt khóm", "nuoc-ep", "chai", 45000, "Nước cốt khóm Cầu Đúc nguyên chất, không đường.", ""},
	"mut-khom":         {"Mứt khóm dẻo", "duong-banh-keo", "hộp", 55000, "Mứt khóm dẻo ít ngọt, làm thủ công.", ""},
	"tra-khom":         {"Trà lá khóm", "tra-thao-moc", "hộp", 70000, "Trà túi lọc từ lá khóm.", ""},
	"kho-ca-loc":       {"Khô cá lóc", "kho-mam", "kg", 380000, "Khô cá lóc đồng một nắng, phơi trên giàn tre.", ""},
	"tac":              {"Tắc (quất)", "trai-cay", "kg", 20000, "Tắc tươi mọng nước, pha nước tắc hay làm mứt.", ""},
	"mat-ong-tram":     {"Mật ong rừng tràm", "mat-ong", "chai", 250000, "Mật ong hoa tràm khai thác tự nhiên, chai 500 ml.", "tháng 3–5"},
	"khoai-lang":       {"Khoai lang tím", "rau-cu", "kg", 25000, "Khoai lang tím dẻo bùi, trồng đất giồng.", ""},
	"oc-buou":          {"Ốc bươu đồng", "thuy-san", "kg", 60000, "Ốc bươu đồng ngâm sạch, giao tươi sống.", ""},
	"ran-ca":           {"Khô rắn (khô cá rô)", "kho-mam", "kg", 280000, "Khô cá rô đồng phơi nắng, chiên giòn ăn với cơm.", ""},
	"nam-bao-ngu":      {"Nấm bào ngư", "rau-cu", "kg", 60000, "Nấm bào ngư xám trồng trên rơm, hái mỗi sáng.", ""},
	"lap-xuong":        {"Lạp xưởng tươi", "kho-mam", "kg", 180000, "Lạp xưởng tươi nhiều nạc, ít ngọt.", ""},
	"banh-pia":         {"Bánh pía sầu riêng", "duong-banh-keo", "hộp", 75000, "Bánh pía nhân sầu riêng, đậu xanh và trứng muối, hộp 4 cái.", ""},
	"tour-cho-noi":     {"Tour chợ nổi Cái Răng", "tour-trai-nghiem", "người", 250000, "Đi ghe xem chợ nổi lúc bình minh, ăn hủ tiếu trên sông.", ""},
	"khan-ran":         {"Khăn rằn Nam Bộ", "vai-khan", "cái", 45000, "Khăn rằn dệt cotton, ca rô đen trắng truyền thống.", ""},
	"tra-mang-cau":     {"Trà mãng cầu", "tra-thao-moc", "hộp", 80000, "Trà lá mãng cầu xiêm sấy khô.", ""},
	"hu-tieu":          {"Hủ tiếu khô Cái Răng", "kho-mam", "gói", 35000, "Hủ tiếu làm từ gạo, phơi nắng, sợi dai.", ""},
	"banh-tet":         {"Bánh tét lá cẩm", "duong-banh-keo", "cái", 60000, "Bánh tét lá cẩm nhân đậu xanh thịt mỡ.", ""},
	"banh-hoi":         {"Bánh hỏi", "kho-mam", "kg", 40000, "Bánh hỏi sợi mịn làm trong ngày.", ""},
	"dau-ha-chau":      {"Dâu Hạ Châu", "trai-cay", "kg", 50000, "Dâu Hạ Châu chín vàng, chua ngọt.", "tháng 5–8"},
	"chom-chom":        {"Chôm chôm", "trai-cay", "kg", 30000, "Chôm chôm Java tróc vỏ, cùi dày.", "tháng 5–8"},
	"tour-miet-vuon":   {"Tour miệt vườn Phong Điền", "tour-trai-nghiem", "người", 350000, "Một ngày đạp xe vườn trái cây, tát mương bắt cá.", ""},
	"ruou-de":          {"Rượu đế nếp", "ruou", "chai", 80000, "Rượu nếp nấu thủ công, chai 500 ml.", ""},
	"homestay":         {"Phòng homestay nhà vườn", "homestay", "đêm", 500000, "Phòng đôi trong vườn, ăn sáng đặc sản.", ""},
	"mang-cau":         {"Mãng cầu xiêm", "trai-cay", "kg", 45000, "Mãng cầu xiêm chín tới, thịt trắng, chua ngọt.", ""},
	"dua-xiem":         {"Dừa xiêm xanh", "trai-cay", "trái", 15000, "Dừa xiêm nước ngọt, chặt sẵn theo yêu cầu.", ""},
	"gao-st25":         {"Gạo ST25", "gao-ngu-coc", "kg", 32000, "Gạo ST25 vụ mới, dẻo thơm.", ""},
	"tom-cang":         {"Tôm càng xanh", "thuy-san", "kg", 350000, "Tôm càng xanh nuôi ruộng lúa, size 10–12 con/kg.", ""},
	"gao-thom":         {"Gạo thơm Jasmine", "gao-ngu-coc", "kg", 22000, "Gạo thơm Jasmine vụ đông xuân.", ""},
	"duong-thot-not":   {"Đường thốt nốt", "duong-banh-keo", "kg", 70000, "Đường thốt nốt nấu từ nước thốt nốt tươi, thơm mùi khói bếp.", "tháng 12–5"},
	"trai-thot-not":    {"Trái thốt nốt", "trai-cay", "trái", 12000, "Trái thốt nốt tươi, cơm dẻo.", "tháng 12–5"},
	"nuoc-thot-not":    {"Nước thốt nốt", "nuoc-ep", "chai", 20000, "Nước thốt nốt tươi lấy trong ngày.", "tháng 12–5"},
	"tho-cam":          {"Khăn thổ cẩm Khmer", "tho-cam", "cái", 350000, "Dệt tay trên khung gỗ của đồng bào Khmer.", ""},
	"bo-bay-mon":       {"Khô bò Bảy Núi", "kho-mam", "kg", 650000, "Khô bò tẩm gia vị, nướng ăn với rau rừng.", ""},
	"tinh-dau-tram":    {"Tinh dầu tràm", "tinh-dau", "chai", 85000, "Tinh dầu tràm chưng cất, chai 50 ml.", ""},
	"tour-tra-su":      {"Tour rừng tràm Trà Sư", "tour-trai-nghiem", "người", 150000, "Đi xuồng xuyên rừng tràm ngắm chim.", "tháng 8–11"},
	"mam-thai":         {"Mắm thái đu đủ", "kho-mam", "hũ", 120000, "Mắm thái cá lóc trộn đu đủ, hũ 500 g.", ""},
	"mam-ca-linh":      {"Mắm cá linh", "kho-mam", "hũ", 90000, "Mắm cá linh mùa nước nổi, hũ 500 g.", ""},
	"kho-ca-sac":       {"Khô cá sặc rằn", "kho-mam", "kg", 260000, "Khô cá sặc rằn một nắng.", ""},
	"banh-bo-thot-not": {"Bánh bò thốt nốt", "duong-banh-keo", "hộp", 40000, "Bánh bò thốt nốt vàng ruộm, hộp 10 cái.", ""},
	"nhan":             {"Nhãn xuồng cơm vàng", "trai-cay", "kg", 40000, "Nhãn cơm dày, ngọt sắc.", "tháng 6–8"},
	"kho-ca-tra":       {"Khô cá tra phồng", "kho-mam", "kg", 250000, "Khô cá tra phồng phơi nắng.", ""},
	"tui-luc-binh":     {"Túi xách lục bình", "dan-lat", "cái", 150000, "Túi đan tay từ lục bình phơi khô.", ""},
	"gio-luc-binh":     {"Giỏ lục bình", "dan-lat", "cái", 120000, "Giỏ đựng đồ đan lục bình.", ""},
	"nuoc-mam":         {"Nước mắm cá cơm", "gia-vi", "chai", 95000, "Nước mắm nhĩ cá cơm 40 độ đạm, chai 500 ml.", ""},
	"kho-muc":          {"Khô mực", "kho-mam", "kg", 900000, "Khô mực câu loại 1.", ""},
	"tom-kho":          {"Tôm khô", "kho-mam", "kg", 700000, "Tôm khô đỏ tự nhiên, không phẩm màu.", ""},
	"tieu":             {"Tiêu đen", "gia-vi", "kg", 220000, "Tiêu đen hạt chắc, thơm cay.", ""},
	"ruou-sim":         {"Rượu sim", "ruou", "chai", 150000, "Rượu sim rừng ngâm, chai 500 ml.", ""},
	"ngoc-trai":        {"Vòng tay ngọc trai", "thu-cong", "cái", 450000, "Vòng ngọc trai nuôi.", ""},
	"trai-cay-say-deo": {"Trái cây sấy dẻo", "duong-banh-keo", "túi", 50000, "Xoài, mít, khóm sấy dẻo ít đường.", ""},
}

// seedSellers makes the demo shops across communes of Cần Thơ and An
// Giang: mostly verified, some pending, a few rejected or suspended.
func (s *seeder) seedSellers() error {
	for i := range demoSellerCount {
		place := demoPlaces[i%len(demoPlaces)]
		region, err := s.ms.regions.Lookup(place.region)
		if err != nil {
			return err
		}
		kind := []sellers.Kind{sellers.KindHousehold, sellers.KindHousehold, sellers.KindCooperative, sellers.KindEnterprise}[s.rng.IntN(4)]
		goodKey := place.specialty[s.rng.IntN(len(place.specialty))]
		switch i { // the shops the README and the tests speak of
		case 0:
			goodKey = "hoa-sung"
		case 2:
			goodKey = "khom-cau-duc"
		}
		good := demoGoods[goodKey]
		s.goods = append(s.goods, goodKey)
		owner := s.owners[i]
		var name string
		switch kind {
		case sellers.KindHousehold:
			name = "Hộ " + owner.Name + " – " + good.name
		case sellers.KindCooperative:
			name = "HTX " + good.name + " " + region.Name
		default:
			name = "Công ty TNHH Nông sản " + region.Name
		}
		switch i {
		case 0:
			kind, name = sellers.KindCooperative, "HTX Hoa súng Lê Sánh"
		case 2:
			kind, name = sellers.KindCooperative, "HTX Khóm Cầu Đúc"
		}
		created := s.base.Add(-time.Duration(300-i*5) * 24 * time.Hour)
		status := sellers.StatusVerified
		switch r := s.rng.IntN(20); {
		case i == 0 || i == 2:
		case r < 3:
			status = sellers.StatusPending
		case r == 3:
			status = sellers.StatusRejected
		case r == 4:
			status = sellers.StatusSuspended
		}
		x := sellers.Seller{
			ID: s.id("s", i), OwnerID: owner.ID, Kind: kind, Name: name, Phone: owner.Phone, Zalo: owner.Phone.Local(),
			RegionID: region.ID, Address: fmt.Sprintf("Ấp %d, %s", 1+s.rng.IntN(9), s.ms.regions.FullName(region.ID)),
			Story:       demoStory(kind, good.name, region.DisplayName()),
			Bank:        sellers.Bank{BIN: pick(s.rng, []string{"970436", "970405", "970418", "970422"}), AccountNumber: fmt.Sprintf("%012d", s.rng.Int64N(1e12)), Holder: strings.ToUpper(foldASCII(owner.Name))},
			ShippingFee: market.VND(15000 + 5000*s.rng.IntN(5)), FreeShippingOver: market.VND(300000 + 100000*s.rng.IntN(5)),
			Status: status, Version: 1, CreatedAt: created, UpdatedAt: created,
		}
		if status != sellers.StatusPending {
			reviewer := s.demo["official"].ID
			if strings.HasPrefix(region.ID, "an-giang") {
				reviewer = s.demo["official-ag"].ID
			}
			x.StatusBy, x.StatusAt = reviewer, created.Add(72*time.Hour)
			if status == sellers.StatusRejected {
				x.StatusNote = "Thiếu giấy đăng ký hộ kinh doanh."
			} else {
				x.VerifiedBy, x.VerifiedAt = reviewer, created.Add(72*time.Hour)
				x.FirstVerifiedAt = x.VerifiedAt
			}
			if status == sellers.StatusSuspended {
				x.StatusNote = "Tạm ngưng theo phản ánh của người mua."
			}
		}
		if err := s.st.sellers.CreateSeller(s.ctx, x); err == nil {
			s.created.sellers++
		} else if market.IsCode(err, market.Conflict) {
			if x, err = s.st.sellers.SellerByID(s.ctx, x.ID); err != nil {
				return err
			}
		} else {
			return err
		}
		s.sellers = append(s.sellers, x)
	}
	return nil
}

// demoStory is what a shop tells about itself: the good it is named after.
func demoStory(kind sellers.Kind, good, place string) string {
	good = strings.ToLower(good)
	switch kind {
	case sellers.KindCooperative:
		return "Hợp tác xã gồm các hộ làm " + good + " lâu năm ở " + place + ", cùng chọn giống, thu hoạch và giao hàng."
	case sellers.KindEnterprise:
		return "Công ty thu mua và chế biến " + good + " của bà con " + place + "."
	}
	return "Gia đình chúng tôi làm " + good + " đã ba đời ở " + place + "."
}

// seedHelpers lets the demo community helper act for some shops.
func (s *seeder) seedHelpers() error {
	helper := s.demo["helper"]
	for i, x := range s.sellers {
		if i%5 != 0 {
			continue
		}
		err := s.st.sellers.AddHelper(s.ctx, x.ID, sellers.Helper{AccountID: helper.ID, AddedBy: x.OwnerID, AddedAt: x.CreatedAt.Add(time.Hour)})
		switch {
		case err == nil:
			s.created.helpers++
		case !market.IsCode(err, market.Conflict):
			return err
		}
		s.sellers[i].Helpers = append(s.sellers[i].Helpers, sellers.Helper{AccountID: helper.ID, AddedBy: x.OwnerID})
	}
	return nil
}

// seedProducts lists 5 to 10 products per shop, from its commune's
// specialties and the delta's staples; some carry OCOP certificates, some
// were listed by the helper.
func (s *seeder) seedProducts() error {
	staples := []string{"gao-thom", "tac", "dua-xiem", "nam-bao-ngu", "khoai-lang", "trai-cay-say-deo", "mang-cau", "ca-loc"}
	n := 0
	for i, x := range s.sellers {
		place := demoPlaces[i%len(demoPlaces)]
		region, _ := s.ms.regions.Lookup(x.RegionID)
		keys := append(append([]string(nil), place.specialty...), staples...)
		s.rng.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
		// A shop first sells what it is named after.
		keys = append(append(append([]string(nil), demoRange[s.goods[i]]...), s.goods[i]), keys...)
		count := 5 + s.rng.IntN(6)
		seen := map[string]bool{}
		for _, key := range keys {
			if count == 0 {
				break
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			count--
			g := demoGoods[key]
			p := s.product(n, x, region.Name, g)
			n++
			if err := s.st.catalog.CreateProduct(s.ctx, p); err == nil {
				s.created.products++
			} else if market.IsCode(err, market.Conflict) {
				if p, err = s.st.catalog.ProductByID(s.ctx, p.ID); err != nil {
					return err
				}
			} else {
				return err
			}
			s.products = append(s.products, p)
		}
	}
	return nil
}

func (s *seeder) product(n int, x sellers.Seller, place string, g demoGood) catalog.Product {
	created := x.CreatedAt.Add(time.Duration(24+s.rng.IntN(24*60)) * time.Hour)
	// Prices vary by shop, rounded to 1.000 ₫ as sellers write them.
	price := market.VND(int64(float64(g.price)*(0.85+0.3*s.rng.Float64())) / 1000 * 1000)
	p := catalog.Product{
		ID: s.id("p", n), SellerID: x.ID, Name: g.name + " " + place, Description: g.description, CategoryID: g.category,
		Unit: g.unit, Price: price, Stock: s.rng.IntN(400), MinOrderQty: 1, Sold: s.rng.IntN(600), RegionID: x.RegionID,
		Season: g.season, Status: catalog.StatusActive, CreatedBy: x.OwnerID, Version: 1, SearchDirty: true, CreatedAt: created, UpdatedAt: created,
	}
	if s.rng.IntN(3) == 0 && price >= 20000 {
		p.Tiers = []catalog.PriceTier{{MinQty: 10, Price: price * 9 / 10 / 1000 * 1000}, {MinQty: 50, Price: price * 8 / 10 / 1000 * 1000}}
	}
	if g.unit == "kg" && s.rng.IntN(4) == 0 {
		p.MinOrderQty = 2
		if len(p.Tiers) > 0 {
			p.Tiers = p.Tiers[1:]
		}
	}
	switch r := s.rng.IntN(12); {
	case r == 0:
		p.Status = catalog.StatusDraft
	case r == 1:
		p.Status = catalog.StatusPaused
	case r == 2 && g.season != "":
		p.Preorder = true
	}
	if len(x.Helpers) > 0 && s.rng.IntN(2) == 0 {
		p.CreatedBy, p.Assisted = x.Helpers[0].AccountID, true
	}
	if s.rng.IntN(10) < 3 {
		stars := 3 + s.rng.IntN(2)
		if s.rng.IntN(8) == 0 {
			stars = 5
		}
		issued := s.base.AddDate(-s.rng.IntN(4), -s.rng.IntN(12), 0)
		level := catalog.IssuedByProvince
		if stars == 5 {
			level = catalog.IssuedByNational
		}
		p.OCOP = catalog.Certificate{Stars: stars, Number: fmt.Sprintf("%d/QĐ-UBND-%d", 100+s.rng.IntN(900), issued.Year()),
			IssuedBy: level, IssuedAt: issued, ExpiresAt: issued.AddDate(3, 0, 0), Status: catalog.OCOPPending}
		if s.rng.IntN(4) != 0 {
			p.OCOP.Status, p.OCOP.VerifiedBy, p.OCOP.VerifiedAt = catalog.OCOPVerified, x.VerifiedBy, created.Add(48*time.Hour)
			if p.OCOP.VerifiedBy == "" {
				p.OCOP.VerifiedBy = s.demo["admin"].ID
			}
		}
	}
	return p
}

// foldASCII drops Vietnamese tone marks for a bank account holder's name.
func foldASCII(s string) string {
	from := []string{"àáạảãâầấậẩẫăằắặẳẵ", "èéẹẻẽêềếệểễ", "ìíịỉĩ", "òóọỏõôồốộổỗơờớợởỡ", "ùúụủũưừứựửữ", "ỳýỵỷỹ", "đ",
		"ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴ", "ÈÉẸẺẼÊỀẾỆỂỄ", "ÌÍỊỈĨ", "ÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠ", "ÙÚỤỦŨƯỪỨỰỬỮ", "ỲÝỴỶỸ", "Đ"}
	to := "aeiouydAEIOUYD"
	var b strings.Builder
	for _, r := range s {
		out := r
		for i, set := range from {
			if strings.ContainsRune(set, r) {
				out = rune(to[i])
				break
			}
		}
		b.WriteRune(out)
	}
	return b.String()
}

func (s *seeder) print(w io.Writer) {
	verified, ocop, assisted := 0, 0, 0
	for _, x := range s.sellers {
		if x.Status == sellers.StatusVerified {
			verified++
		}
	}
	for _, p := range s.products {
		if p.Badge(s.base) {
			ocop++
		}
		if p.Assisted {
			assisted++
		}
	}
	fmt.Fprintf(w, "Demo marketplace (seed %d): %d sellers (%d verified), %d products (%d with an OCOP badge, %d listed by a helper).\n",
		s.seed, len(s.sellers), verified, len(s.products), ocop, assisted)
	rest := ""
	if s.created.sellers < len(s.sellers) || s.created.products < len(s.products) {
		rest = " (the rest were already there)"
	}
	fmt.Fprintf(w, "Created now: %d accounts, %d sellers, %d helpers, %d products, %d orders%s.\n",
		s.created.accounts, s.created.sellers, s.created.helpers, s.created.products, s.created.orders, rest)
	fmt.Fprintln(w, "Demo accounts (password for all: "+demoPassword+"):")
	for _, k := range []struct{ key, what string }{
		{"admin", "admin"}, {"official", "official of TP Cần Thơ"}, {"official-ag", "official of Tỉnh An Giang"},
		{"helper", "community helper"}, {"seller", "seller (" + s.sellers[0].Name + ")"},
	} {
		a := s.demo[k.key]
		fmt.Fprintf(w, "  %-34s %s  %s\n", k.what, a.Phone.Local(), a.Name)
	}
}
