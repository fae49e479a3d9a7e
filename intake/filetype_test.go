package intake

import (
	"strings"
	"testing"

	"github.com/zhongmou/award/submission"
)

// TestTypeFamilies: every type the intake knows has file-name endings for
// the picker and a first-bytes family for the browser's check; a type
// without one would make the browser refuse files the server accepts.
func TestTypeFamilies(t *testing.T) {
	families := map[string]bool{"pdf": true, "jpeg": true, "png": true, "tiff": true, "heic": true, "zip": true, "ole": true}
	for typ := range knownTypes {
		f, ok := typeFamilies[typ]
		if !ok || f.ends == "" || !families[f.family] {
			t.Errorf("%s: no picker endings or browser family (%+v); add it to typeFamilies and form-checks.js", typ, f)
		}
	}
	all := DefaultAllowedTypes()
	if got := typeKinds(all); got != "pdf zip jpeg png tiff heic ole" {
		t.Errorf("typeKinds(all) = %q", got)
	}
	accept := acceptList([]string{typePDF, typeJPEG})
	if accept != "application/pdf,.pdf,image/jpeg,.jpg,.jpeg" {
		t.Errorf("acceptList = %q", accept)
	}
	for _, sl := range submission.ApplicationSlots() {
		if k := typeKinds(sl.Types); k == "" || strings.Contains(k, "  ") {
			t.Errorf("slot %s: kinds %q", sl.Name, k)
		}
	}
}
