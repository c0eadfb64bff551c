package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/blobfs"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/photos"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sellers"
)

// extraRegionsFile holds the regions operators imported with
// `ocopd regions import`, merged over the embedded tree at start.
const extraRegionsFile = "regions-extra.json"

// loadRegions builds the region tree: the embedded data plus the
// operators' imports kept in the data directory.
func loadRegions(cfg config) (*regions.Tree, error) {
	extra, err := readExtraRegions(cfg)
	if err != nil {
		return nil, err
	}
	tree, err := regions.Load(extra)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", describe(err))
	}
	return tree, nil
}

func readExtraRegions(cfg config) ([]regions.Region, error) {
	data, err := os.ReadFile(filepath.Join(cfg.DataDir, extraRegionsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	records, lineErrs, err := regions.ParseJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", extraRegionsFile, describe(err))
	}
	if len(lineErrs) > 0 {
		return nil, fmt.Errorf("%s: %v", extraRegionsFile, lineErrs[0])
	}
	return records, nil
}

// regionsCommand is `ocopd regions import FILE`: it adds an operator's
// commune list (CSV or JSON: id, name, level, parentId) to the tree
// without a code change. Bad rows are reported and skipped; the file as a
// whole must still make a valid tree.
func regionsCommand(cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) != 2 || args[0] != "import" {
		return errors.New("usage: ocopd regions import FILE.csv|FILE.json")
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	parse := regions.ParseCSV
	if strings.EqualFold(filepath.Ext(args[1]), ".json") {
		parse = regions.ParseJSON
	}
	records, lineErrs, err := parse(f)
	if err != nil {
		return describe(err)
	}
	for _, le := range lineErrs {
		fmt.Fprintf(stderr, "%s: %v\n", args[1], le)
	}
	old, err := readExtraRegions(cfg)
	if err != nil {
		return err
	}
	merged := regions.Merge(old, records)
	tree, err := regions.Load(merged)
	if err != nil {
		return fmt.Errorf("the imported regions do not fit the tree: %w", describe(err))
	}
	if err := writeExtraRegions(cfg, merged); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Imported %d regions (%d rows skipped); the tree now has %d regions.\n", len(records), len(lineErrs), tree.Len())
	return nil
}

type regionJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	ParentID string `json:"parentId,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Code     string `json:"code,omitempty"`
}

// writeExtraRegions replaces the file atomically: a crash leaves the old
// list or the new one.
func writeExtraRegions(cfg config, list []regions.Region) error {
	var b strings.Builder
	b.WriteString("[\n")
	for i, r := range list {
		js, err := json.Marshal(regionJSON{ID: r.ID, Name: r.Name, Level: string(r.Level), ParentID: r.ParentID, Kind: string(r.Kind), Code: r.Code})
		if err != nil {
			return err
		}
		b.Write(js)
		if i < len(list)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(cfg.DataDir, extraRegionsFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// photoProcessor adapts photos.Process to the catalog's port. Decoding a
// phone photo can take a few hundred megabytes, so only as many photos as
// there are CPUs are decoded at once; the upload itself (slow on 3G) is read
// before taking a slot.
type photoProcessor struct{ slots chan struct{} }

func newPhotoProcessor() photoProcessor {
	return photoProcessor{slots: make(chan struct{}, runtime.NumCPU())}
}

func (p photoProcessor) Process(r io.Reader) (catalog.Photo, error) {
	data, err := io.ReadAll(io.LimitReader(r, photos.DefaultMaxBytes+1))
	if err != nil {
		return catalog.Photo{}, market.Wrap(err, market.Invalid, "Không đọc được ảnh gửi lên.", "The uploaded photo could not be read.")
	}
	p.slots <- struct{}{}
	defer func() { <-p.slots }()
	res, err := photos.Process(bytes.NewReader(data), photos.Options{})
	if err != nil {
		return catalog.Photo{}, err
	}
	return catalog.Photo{Display: res.Display, Thumb: res.Thumb, ContentType: "image/jpeg", Width: res.DisplayWidth, Height: res.DisplayHeight}, nil
}

// marketServices are the services of sellers and the catalog, for serve
// and for the commands that write records (seed, import).
type marketServices struct {
	regions  *regions.Tree
	accounts *accounts.Service
	sellers  *sellers.Service
	catalog  *catalog.Service
	blobs    *blobfs.Store
}

func newMarketServices(cfg config, st *stores, accts *accounts.Service, clock market.Clock) (*marketServices, error) {
	tree, err := loadRegions(cfg)
	if err != nil {
		return nil, err
	}
	blobs, err := blobfs.New(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return nil, err
	}
	sel := sellers.NewService(sellers.Options{Store: st.sellers, Roles: accts, Tree: tree, Dirtier: st.catalog, Clock: clock})
	cat := catalog.NewService(catalog.Options{Store: st.catalog, Sellers: sel, Regions: tree, Clock: clock, Photos: newPhotoProcessor(), Blobs: blobs})
	return &marketServices{regions: tree, accounts: accts, sellers: sel, catalog: cat, blobs: blobs}, nil
}
