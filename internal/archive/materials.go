package archive

import (
	"strconv"
	"time"

	"github.com/zhongmou/award/submission"
)

// Material is one file of a case with where it came from: the original
// submission (Origin 0) or its n-th supplement (Origin n, 补正 n).
type Material struct {
	submission.File
	Origin     int
	Supplement string // the supplement's reference; "" for the original
	ReceivedAt time.Time
	// Superseded: a later supplement brought files for the same slot,
	// which replace this one in the current materials; SupersededBy is
	// that supplement's origin (the latest for the slot), 0 when not
	// superseded.
	Superseded   bool
	SupersededBy int
}

// OriginLabel is 原件 or 补正 n.
func (m Material) OriginLabel() string { return OriginLabel(m.Origin) }

// OriginLabel names an origin: 原件 for 0, 补正 n for the n-th supplement,
// AttachmentOrigin for an attachment (-1, Case.Attachments).
func OriginLabel(origin int) string {
	if origin < 0 {
		return AttachmentOrigin
	}
	if origin == 0 {
		return "原件"
	}
	return "补正 " + strconv.Itoa(origin)
}

// Materials are every file of the case, the original's first, then each
// supplement's in the order received. In an application, a file whose
// slot a later supplement filled again is marked Superseded; an
// objection's evidence only grows. The current materials are
// those not superseded (CurrentMaterials).
func (c *Case) Materials() []Material {
	var out []Material
	for _, f := range c.Manifest.Files {
		out = append(out, Material{File: f, ReceivedAt: c.Manifest.ReceivedAt})
	}
	for i, s := range c.Supplements {
		for _, f := range s.Files {
			out = append(out, Material{File: f, Origin: i + 1, Supplement: s.Reference, ReceivedAt: s.ReceivedAt})
		}
	}
	if c.Manifest.Kind == submission.KindObjection {
		return out // more evidence (补充证据) adds to the evidence; it replaces none
	}
	latest := map[string]int{} // slot: the latest origin with files for it
	for _, m := range out {
		latest[m.Field] = max(latest[m.Field], m.Origin)
	}
	for i := range out {
		if by := latest[out[i].Field]; out[i].Origin < by {
			out[i].Superseded, out[i].SupersededBy = true, by
		}
	}
	return out
}

// CurrentMaterials are the case's current materials: Materials without the
// superseded.
func (c *Case) CurrentMaterials() []Material {
	var out []Material
	for _, m := range c.Materials() {
		if !m.Superseded {
			out = append(out, m)
		}
	}
	return out
}

// FieldCorrection is a field's value as a supplement corrected it.
type FieldCorrection struct {
	Name, Label string
	Value       string // the newest
	Was         string // the original's
	Origin      int
	ReceivedAt  time.Time
}

// FieldCorrections are the fields that supplements corrected, each with
// its newest value, in the order of submission.CorrectableFields.
func (c *Case) FieldCorrections() []FieldCorrection {
	var out []FieldCorrection
	for _, f := range submission.CorrectableFields() {
		fc := FieldCorrection{Name: f.Name, Label: f.Label, Was: c.Manifest.Fields[f.Name]}
		for i, s := range c.Supplements {
			if v, ok := s.Fields[f.Name]; ok {
				fc.Value, fc.Origin, fc.ReceivedAt = v, i+1, s.ReceivedAt
			}
		}
		if fc.Origin > 0 {
			out = append(out, fc)
		}
	}
	return out
}

// Fields are the submission's fields with the supplements' corrections
// over them: a new map.
func (c *Case) Fields() map[string]string {
	out := make(map[string]string, len(c.Manifest.Fields))
	for k, v := range c.Manifest.Fields {
		out[k] = v
	}
	for _, s := range c.Supplements {
		for k, v := range s.Fields {
			out[k] = v
		}
	}
	return out
}

// SupplementNumber is the n of 补正 n for the supplement with the
// reference, 0 when the case has none such.
func (c *Case) SupplementNumber(ref string) int {
	for i, s := range c.Supplements {
		if s.Reference == ref {
			return i + 1
		}
	}
	return 0
}
