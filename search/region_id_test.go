package search_test

import (
	"testing"

	"github.com/ocopmarket/market/search"
)

func TestRegionIDsOfCommunesAreValid(t *testing.T) {
	for id, want := range map[string]bool{
		"can-tho": true, "can-tho.thanh-xuan": true, "an-giang.tri-ton": true,
		"": false, ".": false, "can-tho.": false, ".thanh-xuan": false, "can tho": false,
		`x" OR stars >= 0`: false, "a..b": false,
	} {
		if got := search.ValidRegionID(id); got != want {
			t.Errorf("ValidRegionID(%q) = %v, want %v", id, got, want)
		}
	}
	q, err := search.ParseQuery(map[string][]string{"regionId": {"can-tho.thanh-xuan"}})
	if err != nil || q.RegionID != "can-tho.thanh-xuan" {
		t.Errorf("a commune's id as regionId: %+v %v", q, err)
	}
	if _, err := search.ParseQuery(map[string][]string{"regionId": {"can-tho'; DROP"}}); err == nil {
		t.Error("a hostile regionId was accepted")
	}
}
