package search_test

import (
	"testing"

	"github.com/ocopmarket/market/search"
)

func TestRegionIDsOfCommunesAreValid(t *testing.T) {
	q, err := search.ParseQuery(map[string][]string{"regionId": {"can-tho.thanh-xuan"}})
	if err != nil || q.RegionID != "can-tho.thanh-xuan" {
		t.Errorf("a commune's id as regionId: %+v %v", q, err)
	}
	if _, err := search.ParseQuery(map[string][]string{"regionId": {"can-tho'; DROP"}}); err == nil {
		t.Error("a hostile regionId was accepted")
	}
}
