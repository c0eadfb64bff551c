package httpserver

import "html/template"

// webIcon returns a small inline SVG icon: no extra request on a slow
// link, and it takes the colour of the text around it. Icons are
// decorative; the text beside them says what they mean.
func webIcon(name string) template.HTML {
	const open = `<svg class="ic" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">`
	var body string
	switch name {
	case "logo": // a lotus leaf and bud
		return `<svg class="logo-ic" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false"><circle cx="16" cy="16" r="16" fill="#f4c542"/><path d="M16 6c3 4 3 9 0 13-3-4-3-9 0-13z" fill="#e2566f"/><path d="M6 17c4-1 8 0 10 3 2-3 6-4 10-3-1 5-5 9-10 9S7 22 6 17z" fill="#1f6b3a"/></svg>`
	case "search":
		body = `<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>`
	case "cart":
		body = `<path d="M3 4h2l2.4 11h10.8L21 8H6.2"/><circle cx="9" cy="20" r="1.5"/><circle cx="17" cy="20" r="1.5"/>`
	case "user":
		body = `<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4 4-6 8-6s7 2 8 6"/>`
	case "store":
		body = `<path d="M3 9l1.5-5h15L21 9M3 9h18M3 9c0 2 1.5 3 3 3s3-1 3-3c0 2 1.5 3 3 3s3-1 3-3c0 2 1.5 3 3 3s3-1 3-3M5 12v8h14v-8M10 20v-5h4v5"/>`
	case "star":
		return `<svg class="ic star" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="currentColor" d="m12 2.5 2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5-4.8-4.6 6.6-.9z"/></svg>`
	case "truck":
		body = `<path d="M2 6h11v10H2zM13 10h4l4 4v2h-8"/><circle cx="6" cy="18" r="2"/><circle cx="17" cy="18" r="2"/>`
	case "cash":
		body = `<rect x="2" y="6" width="20" height="12" rx="2"/><circle cx="12" cy="12" r="3"/><path d="M6 9v0M18 15v0"/>`
	case "qr":
		body = `<path d="M3 3h7v7H3zM14 3h7v7h-7zM3 14h7v7H3zM14 14h3v3h-3zM20 14v0M14 20h3M20 17v4"/>`
	case "card":
		body = `<rect x="2" y="5" width="20" height="14" rx="2"/><path d="M2 10h20M6 15h4"/>`
	case "leaf":
		body = `<path d="M5 21c0-9 5-15 15-17-1 10-6 15-15 17zM5 21l8-8"/>`
	case "copy":
		body = `<rect x="8" y="8" width="12" height="12" rx="2"/><path d="M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3"/>`
	case "camera":
		body = `<path d="M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z"/><circle cx="12" cy="13" r="4"/>`
	case "box":
		body = `<path d="M3 7l9-4 9 4-9 4-9-4zM3 7v10l9 4 9-4V7M12 11v10"/>`
	case "check":
		body = `<path d="m4 12 5 5L20 6"/>`
	case "chart":
		body = `<path d="M4 20V4M4 20h16M8 16v-5M12 16V8M16 16v-3"/>`
	case "share":
		body = `<circle cx="18" cy="5" r="3"/><circle cx="6" cy="12" r="3"/><circle cx="18" cy="19" r="3"/><path d="m8.6 13.5 6.8 4M15.4 6.5l-6.8 4"/>`
	case "pin":
		body = `<path d="M12 21s-7-6-7-12a7 7 0 0 1 14 0c0 6-7 12-7 12z"/><circle cx="12" cy="9" r="2.5"/>`
	case "print":
		body = `<path d="M6 9V3h12v6M6 18H4v-7h16v7h-2M6 14h12v7H6z"/>`
	case "plus":
		body = `<path d="M12 5v14M5 12h14"/>`
	case "globe":
		body = `<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>`
	// The six OCOP product groups.
	case "thuc-pham":
		body = `<path d="M3 11h18a9 9 0 0 1-18 0zM8 7c0-2 2-2 2-4M13 7c0-2 2-2 2-4"/>`
	case "do-uong":
		body = `<path d="M6 3h12l-2 18H8L6 3zM6.5 8h11"/>`
	case "thao-duoc":
		body = `<path d="M12 21V9M12 13c-4 0-7-3-7-7 4 0 7 3 7 7zM12 11c0-4 3-7 7-7 0 4-3 7-7 7z"/>`
	case "vai-may-mac":
		body = `<path d="M8 3 3 6l2 4 2-1v12h10V9l2 1 2-4-5-3c0 2-2 3-4 3S8 5 8 3z"/>`
	case "luu-niem":
		body = `<path d="M4 10h16l-2 10H6L4 10zM8 10l4-6 4 6M9 14h6"/>`
	case "du-lich":
		body = `<path d="M2 17c3 0 3 2 5 2s2-2 5-2 3 2 5 2 2-2 5-2M5 15l2-7h10l2 7M9 8V5h6v3"/>`
	default:
		body = `<circle cx="12" cy="12" r="8"/>`
	}
	return template.HTML(open + body + `</svg>`)
}
