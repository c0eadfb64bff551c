package regions

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// LineError is a problem with one line of an imported file.
type LineError struct {
	Line    int
	Message market.Text
}

// Error implements error, in English, for logs.
func (e LineError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Message.EN }

// maxImportBytes bounds an import file; the whole country's communes take
// well under a megabyte.
const maxImportBytes = 32 << 20

// ParseCSV reads an operator's region list: a header row naming the columns
// id, name, level and parentId (in any order; kind and code are optional,
// other columns are ignored), then one region per row. The file is UTF-8,
// with or without a byte-order mark, separated by commas or, as Excel saves
// it on Vietnamese systems, by semicolons. Names may carry the word for
// their kind ("Phường Ninh Kiều"), which sets Kind and is removed from Name.
//
// Good rows are returned; each bad row gives a LineError with its line
// number. Parents are not checked here: they may be in the embedded data,
// and Load checks the whole. The error is for a file that cannot be read
// at all (no header, a missing column, not text).
func ParseCSV(r io.Reader) ([]Region, []LineError, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffComma(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err != nil {
		return nil, nil, market.Errorf(market.Invalid,
			"Tệp CSV trống hoặc không đọc được dòng tiêu đề (id,name,level,parentId).",
			"The CSV file is empty or its header row (id,name,level,parentId) cannot be read.")
	}
	col := map[string]int{}
	for i, h := range header {
		key := strings.NewReplacer("_", "", " ", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(h)))
		if _, seen := col[key]; !seen {
			col[key] = i
		}
	}
	for _, need := range []string{"id", "name", "level", "parentid"} {
		if _, ok := col[need]; !ok {
			return nil, nil, market.Errorf(market.Invalid,
				"Dòng tiêu đề của tệp CSV thiếu cột \""+need+"\" (cần: id,name,level,parentId).",
				"The CSV header has no \""+need+"\" column (needed: id,name,level,parentId).")
		}
	}

	var p parsed
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.fail(pe.StartLine, market.T("Dòng này sai định dạng CSV.", "This line is not valid CSV."))
			continue
		}
		if err != nil {
			return nil, nil, market.Wrap(err, market.Invalid, "Không đọc được tệp CSV.", "The CSV file cannot be read.")
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		p.add(line, get("id"), get("name"), get("level"), get("parentid"), get("kind"), get("code"))
	}
	return p.records, p.errs, nil
}

// ParseJSON reads an operator's region list as a JSON array of objects
// {"id", "name", "level", "parentId"} with optional "kind" and "code";
// ids and codes may be numbers. It returns the good records and a
// LineError, with the line where the object starts, for each bad one. The
// error is for a file that is not a JSON array at all.
func ParseJSON(r io.Reader) ([]Region, []LineError, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	notArray := market.Errorf(market.Invalid,
		"Tệp JSON phải là một mảng các địa bàn: [{\"id\":…,\"name\":…,\"level\":…,\"parentId\":…}, …].",
		"The JSON file must be an array of regions: [{\"id\":…,\"name\":…,\"level\":…,\"parentId\":…}, …].")
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, nil, notArray
	}
	var p parsed
	for dec.More() {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			off := start
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return nil, nil, market.Wrap(err, market.Invalid,
				"Tệp JSON bị lỗi cú pháp ở dòng "+strconv.Itoa(lineAt(data, off))+".",
				"The JSON file has a syntax error on line "+strconv.Itoa(lineAt(data, off))+".")
		}
		line := lineAt(data, start+int64(leadingJunk(data[start:])))
		var obj map[string]any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&obj); err != nil || obj == nil {
			p.fail(line, market.T("Mỗi phần tử phải là một đối tượng {id, name, level, parentId}.",
				"Each element must be an object {id, name, level, parentId}."))
			continue
		}
		field := func(names ...string) string {
			for _, n := range names {
				switch v := obj[n].(type) {
				case string:
					return v
				case json.Number:
					return v.String()
				}
			}
			return ""
		}
		p.add(line, field("id"), field("name"), field("level"),
			field("parentId", "parentID", "parent_id", "parentid"), field("kind"), field("code"))
	}
	return p.records, p.errs, nil
}

// parsed gathers the outcome of an import, row by row.
type parsed struct {
	records []Region
	errs    []LineError
	seen    map[string]int // id → line
}

func (p *parsed) fail(line int, msg market.Text) {
	p.errs = append(p.errs, LineError{Line: line, Message: msg})
}

// add checks one row and keeps it or records why not.
func (p *parsed) add(line int, id, name, level, parent, kind, code string) {
	for _, s := range []string{id, name, level, parent, kind, code} {
		if !utf8.ValidString(s) {
			p.fail(line, market.T(
				"Dòng này không phải chữ UTF-8: hãy lưu tệp với mã hóa UTF-8 (trong Excel: \"CSV UTF-8\").",
				"This line is not UTF-8 text: save the file as UTF-8 (in Excel: \"CSV UTF-8\")."))
			return
		}
	}
	lvl, lvlKind, ok := parseLevel(level)
	if !ok {
		p.fail(line, market.T(
			"Cấp \""+clip(strings.TrimSpace(level))+"\" không hợp lệ: dùng province, commune hoặc district.",
			"Level \""+clip(strings.TrimSpace(level))+"\" is not valid: use province, commune or district."))
		return
	}
	r := Region{
		ID:       strings.ToLower(strings.TrimSpace(id)),
		Level:    lvl,
		ParentID: strings.ToLower(strings.TrimSpace(parent)),
		Kind:     Kind(strings.ToLower(strings.TrimSpace(kind))),
		Code:     strings.TrimSpace(code),
	}
	nameKind, bare := splitKind(lvl, cleanName(name))
	r.Name = bare
	if r.Kind == "" {
		r.Kind = lvlKind
	}
	if r.Kind == "" {
		r.Kind = nameKind
	}
	if msg := check(r); msg.EN != "" {
		p.fail(line, msg)
		return
	}
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	if first, dup := p.seen[r.ID]; dup {
		p.fail(line, market.T(
			"Mã địa bàn \""+r.ID+"\" đã có ở dòng "+strconv.Itoa(first)+".",
			"Region id \""+r.ID+"\" already appears on line "+strconv.Itoa(first)+"."))
		return
	}
	p.seen[r.ID] = line
	p.records = append(p.records, r)
}

// parseLevel accepts the level names of the API and, since official lists
// give the kind instead ("Xã", "Phường", "Đặc khu"…), those words too.
func parseLevel(s string) (Level, Kind, bool) {
	s = strings.ToLower(cleanName(s))
	switch Level(s) {
	case LevelProvince, LevelDistrict, LevelCommune:
		return Level(s), "", true
	}
	switch s {
	case "tỉnh":
		return LevelProvince, KindProvince, true
	case "thành phố trung ương", "thành phố trực thuộc trung ương":
		return LevelProvince, KindCity, true
	case "xã":
		return LevelCommune, KindCommune, true
	case "phường", "ward":
		return LevelCommune, KindWard, true
	case "đặc khu", "special_zone":
		return LevelCommune, KindSpecialZone, true
	case "thị trấn", "township":
		return LevelCommune, KindTownship, true
	case "quận":
		return LevelDistrict, KindUrbanDistrict, true
	case "huyện":
		return LevelDistrict, KindDistrict, true
	case "thị xã":
		return LevelDistrict, KindTown, true
	}
	return "", "", false
}

func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, market.Wrap(err, market.Invalid, "Không đọc được tệp.", "The file cannot be read.")
	}
	if len(data) > maxImportBytes {
		return nil, market.Errorf(market.PayloadTooLarge,
			"Tệp quá lớn (tối đa 32 MB).", "The file is too large (at most 32 MB).")
	}
	return bytes.TrimPrefix(data, []byte("\uFEFF")), nil
}

// sniffComma picks the separator of the header line: a semicolon when it
// has more of those than commas, else a comma (tabs likewise).
func sniffComma(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	commas, semis, tabs := bytes.Count(first, []byte(",")), bytes.Count(first, []byte(";")), bytes.Count(first, []byte("\t"))
	switch {
	case semis > commas && semis >= tabs:
		return ';'
	case tabs > commas:
		return '\t'
	}
	return ','
}

// lineAt is the 1-based line number of a byte offset.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// leadingJunk counts the whitespace and commas before the next JSON value.
func leadingJunk(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t' || b[n] == '\r' || b[n] == '\n' || b[n] == ',') {
		n++
	}
	return n
}
