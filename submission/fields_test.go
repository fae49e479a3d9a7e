package submission

import (
	"reflect"
	"testing"
)

// Typed fields go to a manifest's map and back unchanged, every field
// under a key of its own.
func TestFieldsRoundTrip(t *testing.T) {
	o := ObjectionFields{Publicity: "p", PublicityTitle: "pt", Candidate: "c", CandidateName: "cn", CandidateCreditCode: "cc",
		ObjectorType: "individual", Statement: "s", Consent: "yes", Notice: "2026-11"}
	m := &Manifest{Fields: o.Map()}
	if got := m.Objection(); got != o {
		t.Errorf("objection fields: %+v, want %+v", got, o)
	}
	if len(m.Fields) != reflect.TypeOf(o).NumField() {
		t.Errorf("%d keys for %d fields: two fields share a key", len(m.Fields), reflect.TypeOf(o).NumField())
	}
	var a ApplicationFields
	v := reflect.ValueOf(&a).Elem()
	n := 0
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(v.Type().Field(i).Name)
			n++
		case reflect.Array:
			for j := range f.Len() {
				f.Index(j).SetString(v.Type().Field(i).Name + string(rune('1'+j)))
				n++
			}
		}
	}
	m = &Manifest{Fields: a.Map()}
	if got := m.Application(); got != a {
		t.Errorf("application fields: %+v, want %+v", got, a)
	}
	if len(m.Fields) != n {
		t.Errorf("%d keys for %d fields", len(m.Fields), n)
	}
	// The stored names are the form's and the export's.
	if m.Fields["creditCode"] != "CreditCode" || m.Fields["declaration9"] != "Declarations9" || m.Fields["declarationText1"] != "DeclarationTexts1" {
		t.Errorf("stored keys %v", m.Fields)
	}
}

func TestSlots(t *testing.T) {
	slots := ApplicationSlots()
	if len(slots) != 10 || slots[0].Name != SlotApplicationForm || SlotIndex(SlotSupporting) != 9 || SlotIndex("nope") != 10 {
		t.Fatalf("slots %+v", slots)
	}
	if SlotLabel(SlotFinancials) != "财务报表（近3年）" || SlotLabel("nope") != "nope" {
		t.Error("labels")
	}
	slots[0].Types[0] = "changed"
	if ApplicationSlots()[0].Types[0] == "changed" {
		t.Error("ApplicationSlots shares its lists with callers")
	}
	lg, _ := SlotByName(SlotLittleGiantCert)
	if lg.RequiredFor(false) || !lg.RequiredFor(true) {
		t.Error("littleGiantCert is required exactly when claimed")
	}
}
