package httpserver

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
)

// The OpenAPI document is kept as one YAML fragment per area of the API
// (openapi/00-base.yaml, 10-accounts.yaml, …), merged at start-up, so each
// area describes itself next to the others without one huge file.
//
//go:embed openapi/*.yaml
var openapiFiles embed.FS

var openapiOnce = sync.OnceValues(buildOpenAPI)

// openapiBuilt is the document as JSON, and the query parameters of its
// operations (queryParams), read from it once per process.
type openapiBuilt struct {
	json   []byte
	params queryParams
}

// OpenAPIDocument returns the merged, validated OpenAPI 3 document as JSON.
func OpenAPIDocument() ([]byte, error) {
	b, err := openapiOnce()
	return b.json, err
}

// apiQueryParams returns the query parameters of the document's operations.
func apiQueryParams() (queryParams, error) {
	b, err := openapiOnce()
	return b.params, err
}

func buildOpenAPI() (openapiBuilt, error) {
	names, err := fs.Glob(openapiFiles, "openapi/*.yaml")
	if err != nil {
		return openapiBuilt{}, err
	}
	sort.Strings(names)
	merged := map[string]any{}
	for _, name := range names {
		raw, err := fs.ReadFile(openapiFiles, name)
		if err != nil {
			return openapiBuilt{}, err
		}
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return openapiBuilt{}, fmt.Errorf("openapi: %s: %w", name, err)
		}
		var part map[string]any
		if err := json.Unmarshal(js, &part); err != nil {
			return openapiBuilt{}, fmt.Errorf("openapi: %s: %w", name, err)
		}
		if err := mergeInto(merged, part, name); err != nil {
			return openapiBuilt{}, err
		}
	}
	js, err := json.Marshal(merged)
	if err != nil {
		return openapiBuilt{}, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(js)
	if err != nil {
		return openapiBuilt{}, fmt.Errorf("openapi: load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return openapiBuilt{}, fmt.Errorf("openapi: invalid document: %w", err)
	}
	js, err = doc.MarshalJSON()
	if err != nil {
		return openapiBuilt{}, err
	}
	return openapiBuilt{json: js, params: newQueryParams(doc)}, nil
}

// mergeInto merges src into dst. Objects merge key by key; any other value
// may be given once only, so two fragments cannot silently disagree.
func mergeInto(dst, src map[string]any, file string) error {
	return mergeAt(dst, src, file, "")
}

func mergeAt(dst, src map[string]any, file, path string) error {
	for k, v := range src {
		here := path + "/" + k
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		dm, dok := existing.(map[string]any)
		sm, sok := v.(map[string]any)
		if dok && sok {
			if err := mergeAt(dm, sm, file, here); err != nil {
				return err
			}
			continue
		}
		a, _ := json.Marshal(existing)
		b, _ := json.Marshal(v)
		if string(a) != string(b) {
			return fmt.Errorf("openapi: %s redefines %s", file, here)
		}
	}
	return nil
}

func (s *Server) handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(s.openapi)
	})
}
