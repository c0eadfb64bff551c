package httpserver

import "github.com/ocopmarket/market"

// webMessages is every string of the pages, in Vietnamese and English.
// Templates ask for them with {{t "key"}}; the server refuses to start if a
// template asks for a key that is not here, or a key lacks a language.
func webMessages() map[string]market.Text {
	return map[string]market.Text{
		// Layout.
		"site.name":         market.T("Chợ OCOP", "Chợ OCOP"),
		"site.tagline":      market.T("Đặc sản miền Tây, mua tận gốc", "Mekong Delta specialities, straight from the growers"),
		"site.description":  market.T("Mua sản phẩm OCOP và nông sản miền Tây trực tiếp từ nông hộ, hợp tác xã. Giao hàng toàn quốc, thanh toán khi nhận hàng hoặc VietQR.", "Buy OCOP products and Mekong Delta produce straight from farm households and cooperatives. Delivery across Vietnam; pay on delivery or by VietQR."),
		"nav.skip":          market.T("Bỏ qua, đến nội dung", "Skip to content"),
		"nav.home":          market.T("Trang chủ", "Home"),
		"nav.search":        market.T("Tìm kiếm", "Search"),
		"nav.search_label":  market.T("Tìm sản phẩm", "Search products"),
		"nav.search_hint":   market.T("Tìm xoài, mật ong, khô cá…", "Search mango, honey, dried fish…"),
		"nav.cart":          market.T("Giỏ hàng", "Cart"),
		"nav.account":       market.T("Tài khoản", "Account"),
		"nav.signin":        market.T("Đăng nhập", "Sign in"),
		"nav.signup":        market.T("Đăng ký", "Sign up"),
		"nav.signout":       market.T("Đăng xuất", "Sign out"),
		"nav.seller":        market.T("Gian hàng của tôi", "My shop"),
		"nav.official":      market.T("Trang cán bộ", "Officials"),
		"nav.track":         market.T("Tra cứu đơn hàng", "Track an order"),
		"nav.sell":          market.T("Bán hàng cùng Chợ OCOP", "Sell on Chợ OCOP"),
		"nav.language":      market.T("Ngôn ngữ", "Language"),
		"footer.about":      market.T("Chợ OCOP kết nối nông hộ, hợp tác xã miền Tây với người mua khắp Việt Nam.", "Chợ OCOP connects Mekong Delta farm households and cooperatives with buyers all over Vietnam."),
		"footer.lang_other": market.T("English", "Tiếng Việt"),
		"footer.help":       market.T("Cần giúp đỡ? Tổ công nghệ số cộng đồng ở xã bạn sẵn sàng hỗ trợ.", "Need help? Your commune's community digital technology team is there to help."),

		// Notices.
		"flash.signed_in":  market.T("Đăng nhập thành công.", "You are signed in."),
		"flash.signed_up":  market.T("Chào mừng bạn đến Chợ OCOP! Tài khoản đã được tạo.", "Welcome to Chợ OCOP! Your account is ready."),
		"flash.signed_out": market.T("Bạn đã đăng xuất.", "You are signed out."),

		// Forms.
		"form.required":      market.T("bắt buộc", "required"),
		"form.phone":         market.T("Số điện thoại", "Phone number"),
		"form.phone_hint":    market.T("Ví dụ: 0912 345 678", "For example: 0912 345 678"),
		"form.password":      market.T("Mật khẩu", "Password"),
		"form.password_hint": market.T("Ít nhất 8 ký tự", "At least 8 characters"),
		"form.name":          market.T("Họ và tên", "Full name"),
		"form.show_password": market.T("Hiện mật khẩu", "Show password"),

		// Sign in, sign up, account.
		"signin.title":           market.T("Đăng nhập", "Sign in"),
		"signin.lead":            market.T("Đăng nhập bằng số điện thoại để theo dõi đơn hàng hoặc quản lý gian hàng.", "Sign in with your phone number to follow your orders or manage your shop."),
		"signin.submit":          market.T("Đăng nhập", "Sign in"),
		"signin.no_account":      market.T("Chưa có tài khoản?", "No account yet?"),
		"signin.create":          market.T("Đăng ký miễn phí", "Sign up for free"),
		"signup.title":           market.T("Đăng ký tài khoản", "Create an account"),
		"signup.lead":            market.T("Chỉ cần số điện thoại. Mua hàng, mở gian hàng, theo dõi đơn — tất cả miễn phí.", "All you need is a phone number. Buy, open a shop, follow your orders — all free."),
		"signup.submit":          market.T("Tạo tài khoản", "Create account"),
		"signup.have":            market.T("Đã có tài khoản?", "Already have an account?"),
		"account.title":          market.T("Tài khoản của tôi", "My account"),
		"account.hello":          market.T("Xin chào, %s", "Hello, %s"),
		"account.phone":          market.T("Số điện thoại", "Phone number"),
		"account.since":          market.T("Thành viên từ", "Member since"),
		"account.open_shop":      market.T("Mở gian hàng", "Open a shop"),
		"account.open_shop_lead": market.T("Bạn trồng, làm ra sản phẩm? Mở gian hàng miễn phí và bán cho khách khắp cả nước.", "Do you grow or make products? Open a shop for free and sell all over the country."),
		"account.orders":         market.T("Đơn hàng của tôi", "My orders"),

		// Errors.
		"error.title":    market.T("Có lỗi xảy ra", "Something went wrong"),
		"error.code":     market.T("Mã tham chiếu", "Reference"),
		"error.home":     market.T("Về trang chủ", "Back to the home page"),
		"error.back":     market.T("Quay lại", "Go back"),
		"error.notfound": market.T("Không tìm thấy trang", "Page not found"),

		"chart.empty": market.T("Chưa có số liệu trong kỳ này", "No figures for this period yet"),

		// Home.
		"home.title":           market.T("Chợ OCOP — đặc sản miền Tây", "Chợ OCOP — Mekong Delta specialities"),
		"home.hero":            market.T("Đặc sản miền Tây, từ tay người làm ra", "Mekong Delta specialities, from the hands that make them"),
		"home.hero_lead":       market.T("Sản phẩm OCOP được chứng nhận, trái cây, gạo, mật ong, khô… gửi thẳng từ nông hộ và hợp tác xã.", "Certified OCOP products, fruit, rice, honey, dried fish… sent straight from farm households and cooperatives."),
		"home.categories":      market.T("Danh mục", "Categories"),
		"home.stars":           market.T("Sản phẩm OCOP theo hạng sao", "OCOP products by stars"),
		"home.stars_lead":      market.T("Hạng sao do hội đồng tỉnh hoặc trung ương đánh giá; huy hiệu chỉ hiện khi cán bộ đã xác minh giấy chứng nhận.", "Stars are awarded by provincial or national councils; the badge shows only once an official has checked the certificate."),
		"home.stars_n":         market.T("%d sao", "%d stars"),
		"home.picks":           market.T("Mới lên chợ", "New at the market"),
		"home.sell_title":      market.T("Bạn là nông hộ, hợp tác xã?", "A farm household or cooperative?"),
		"home.sell_lead":       market.T("Đăng sản phẩm bằng điện thoại trong vài phút. Không mất phí, nhận tiền trực tiếp.", "List your products from your phone in minutes. No fees; you are paid directly."),
		"home.sell_cta":        market.T("Mở gian hàng", "Open a shop"),
		"home.trust_cod":       market.T("Nhận hàng rồi trả tiền", "Pay on delivery"),
		"home.trust_qr":        market.T("Chuyển khoản VietQR", "VietQR bank transfer"),
		"home.trust_origin":    market.T("Rõ nguồn gốc, tận vườn", "Known origin, from the farm"),
		"product.out_of_stock": market.T("Hết hàng", "Out of stock"),
		"home.view_all":        market.T("Xem tất cả", "See all"),
	}
}
