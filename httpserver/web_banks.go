package httpserver

// bank is a Vietnamese bank as NAPAS 247 (and so VietQR) knows it.
type bank struct {
	BIN, Name string
}

// vietQRBanks are the banks a seller picks for VietQR transfers: the big
// four state banks first, then those most used in the Mekong Delta, then
// the rest by name. Built afresh on each call, so no caller can change
// another's copy.
func vietQRBanks() []bank {
	return []bank{
		{"970405", "Agribank"},
		{"970436", "Vietcombank"},
		{"970418", "BIDV"},
		{"970415", "VietinBank"},
		{"970446", "Co-opBank (Ngân hàng Hợp tác xã)"},
		{"970452", "KienlongBank"},
		{"970403", "Sacombank"},
		{"970407", "Techcombank"},
		{"970422", "MB Bank"},
		{"970416", "ACB"},
		{"970432", "VPBank"},
		{"970423", "TPBank"},
		{"970437", "HDBank"},
		{"970441", "VIB"},
		{"970443", "SHB"},
		{"970449", "LPBank"},
		{"970448", "OCB"},
		{"970426", "MSB"},
		{"970440", "SeABank"},
		{"970431", "Eximbank"},
		{"970409", "Bac A Bank"},
		{"970428", "Nam A Bank"},
		{"970412", "PVcomBank"},
		{"970427", "VietABank"},
		{"970425", "ABBANK"},
		{"970438", "BaoVietBank"},
		{"970433", "VietBank"},
		{"970400", "Saigonbank"},
		{"970419", "NCB"},
		{"970430", "PGBank"},
		{"970408", "GPBank"},
	}
}

// bankName names a BIN for people, or returns the BIN when it is unknown.
func bankName(bin string) string {
	for _, b := range vietQRBanks() {
		if b.BIN == bin {
			return b.Name
		}
	}
	return bin
}
