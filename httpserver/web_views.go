package httpserver

import (
	"time"

	"github.com/ocopmarket/market"
)

// The data of each page, shaped for its template. Handlers turn domain
// values into these, so that templates never reach into the domain.

// option is one choice of a select or a set of radio buttons.
type option struct {
	Value, Label string
	Selected     bool
}

// optGroup is a labelled group of options.
type optGroup struct {
	Label   string
	Options []option
}

// facetLink is a filter as a link, with how many results it keeps.
type facetLink struct {
	Label, URL string
	Count      int
	Selected   bool
}

type imageView struct {
	URL, Thumb    string
	Width, Height int
}

type tierRow struct {
	MinQty int
	Price  market.VND
}

type sellerBrief struct {
	ID, Name, Kind, Place string
}

// shareBox is the share card of product and shop pages.
type shareBox struct {
	URL, Title, QR string
}

type productPage struct {
	ID, Name, Unit       string
	Price                market.VND
	Tiers                []tierRow
	Stock, MinOrderQty   int
	InStock, Preorder    bool
	Public               bool
	CartQty              int
	Stars                int
	OCOPNumber           string
	Images               []imageView
	Origin, Season       string
	CategoryID, Category string
	Description          string
	Paragraphs           []string
	Seller               sellerBrief
	Share                shareBox
}

type shopPage struct {
	ID, Name, Kind, Place string
	Verified              bool
	Story                 []string
	Since                 time.Time
	Zalo                  string
	ShippingFee, FreeOver market.VND
	Count                 int
	Products              []productCard
	Share                 shareBox
}

type searchPage struct {
	Q string
	// Dropped are the last words typed that the search left out to find
	// anything (search.Result.Dropped), as one string.
	Dropped                    string
	Total, Page, Pages         int
	Active                     []facetLink
	Sorts, Categories, Regions []option
	StarOptions                []option
	MinPrice, MaxPrice         string
	InStock                    bool
	StarFacets, CategoryFacets []facetLink
	RegionFacets               []facetLink
	Hits                       []productCard
	PrevURL, NextURL           string
}

type cartRow struct {
	ProductID, Name, Unit string
	Qty, Max              int
	UnitPrice, LineTotal  market.VND
	Problem               string
}

type cartGroup struct {
	SellerName         string
	Lines              []cartRow
	Subtotal, Shipping market.VND
}

type cartPage struct {
	Groups      []cartGroup
	Total       market.VND
	CanCheckout bool
}

type payOption struct {
	Value, Label, Hint, Icon string
	Selected                 bool
}

type checkoutPage struct {
	Lines           []cartRow
	Shipping, Total market.VND
	// Key is the idempotency key of this form: sending it twice (a double
	// tap, a retry on a flaky link) never makes a second order.
	Key       string
	Provinces []option
	Methods   []payOption
}

type vietQRView struct {
	ImageURL              string
	Amount                market.VND
	AmountDigits          string
	Reference             string
	Bank, Account, Holder string
	HoldUntil             time.Time
}

type orderLine struct {
	Name, Unit           string
	Qty                  int
	UnitPrice, LineTotal market.VND
}

type orderStep struct {
	Label string
	Done  bool
	At    time.Time
}

type orderView struct {
	ID, Code                  string
	StatusClass, StatusLabel  string
	SellerName                string
	CreatedAt                 time.Time
	Lines                     []orderLine
	Subtotal, Shipping, Total market.VND
	PaymentLabel, Tracking    string
	Steps                     []orderStep
	// PayURL is the checkout's page, to pay an order still waiting for
	// its transfer or card payment.
	PayURL string
}

type confirmationPage struct {
	// PayLabel and PayClass show the checkout's payment status; Refresh
	// links to the page again while the status may still change.
	PayLabel, PayClass string
	Refresh            string
	VietQR             *vietQRView
	CardSecret         string
	ReturnURL          string
	// CardFailed: the last card attempt failed. Confirming: the buyer is
	// back from the bank, the webhook has not arrived yet.
	CardFailed, Confirming bool
	COD                    bool
	Total                  market.VND
	Orders                 []orderView
	TrackURL               string
}

type registerPage struct {
	Kinds   []option
	Regions []optGroup
	Banks   []option
}

type sellerProductRow struct {
	ID, Name, Thumb          string
	StatusClass, StatusLabel string
	Stars                    int
	Unit, PriceText          string
	Stock                    int
	Version                  int64
}

type sellerHomePage struct {
	Shop                     sellerBrief
	StatusClass, StatusLabel string
	StatusNote               string
	NewOrders                int
	Products                 []sellerProductRow
}

type productFormPage struct {
	ID          string
	Version     int64
	Status      string
	Images      []imageView
	Units       []option
	Categories  []optGroup
	StarOptions []option
}

type orderAction struct {
	To, Label       string
	Primary, Danger bool
}

type inboxOrder struct {
	orderView
	BuyerName, BuyerPhone, BuyerPhoneIntl string
	Address, Note                         string
	Actions                               []orderAction
	NeedsTracking, CanCancel              bool
	// Errors are the problems of this order's form when its move was
	// refused (trackingNumber, note), and Tracking and Reason what was
	// typed in it.
	Errors           map[string]string
	Tracking, Reason string
}

type inboxPage struct {
	Filters []facetLink
	Orders  []inboxOrder
}

type posterPage struct {
	Name, Place, QR, URL, Phone, Zalo string
}

// kpi is one figure card: the value, what it counts, and a line more.
type kpi struct {
	Value, Label string
	// Title is the exact value when Value is abbreviated; Hint adds detail.
	Title, Hint string
}

type kpiGroup struct {
	Title string
	KPIs  []kpi
}

type regionRow struct {
	Name, URL                       string
	Sellers, Products, OCOP, Orders int64
	GMV                             string
	Cashless                        float64
	gmv                             market.VND
}

// lineProblem is one refused line of an uploaded file.
type lineProblem struct {
	Line    int
	Message string
}

// importView is the outcome of an OCOP registry upload.
type importView struct {
	Done     bool
	Imported int
	Errors   []lineProblem
	Error    string
}

type dashboardPage struct {
	RegionID, RegionName string
	// UpURL leads to the region above, when the official may see it.
	UpURL, UpName string
	// Month is the month shown (2026-01); Months are the picker's choices.
	Month, MonthLabel string
	Months            []option
	PrevURL, NextURL  string
	// Empty: no seller in the region yet.
	Empty                        bool
	WaitingSellers, WaitingCerts int
	Groups                       []kpiGroup
	Charts                       []chart
	// Rows are the regions below with activity; Quiet names the others.
	Rows     []regionRow
	Quiet    []string
	Total    *regionRow
	CSVURL   string
	Registry int64
	Import   *importView
}

type queueSeller struct {
	ID, Name, Kind, Place, Address, Phone string
	CreatedAt                             time.Time
}

type queueCert struct {
	ProductID, ProductName string
	Stars                  int
	Number                 string
	IssuedAt, ExpiresAt    time.Time
	SellerName, Place      string
	// Expired certificates cannot be verified, only rejected.
	Expired bool
}

type queuePage struct {
	Sellers      []queueSeller
	Certificates []queueCert
}
