package schedule

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/zhongmou/award/internal/watchfile"
)

// ManifestVersion is the version of the manifest format this package writes
// and reads. A reader refuses other versions rather than misread them.
const ManifestVersion = 1

// ManifestName is the manifest's file name in the built site.
const ManifestName = "windows.json"

// Manifest lists every call and publicity window of the site, as built:
// those of its published pages and also those of pages whose publish time
// is still to come (never drafts or expired pages), so that a manifest
// built before a page is published already holds its window and the
// intake opens it, by its own clock, the moment it starts. The site build
// refuses a window page published after its window opens.
type Manifest struct {
	Version     int         `json:"version"`
	TimeZone    string      `json:"timeZone"`
	Calls       []Call      `json:"calls"`
	Publicities []Publicity `json:"publicities"`
	// ReportCalls are the winners' annual report calls (type
	// "report-call"), Winners the winners of the site's winner pages
	// (type "winner"): see report.go.
	ReportCalls []ReportCall `json:"reportCalls,omitempty"`
	Winners     []Winner     `json:"winners,omitempty"`
}

// Encode writes the manifest as indented JSON.
func (m *Manifest) Encode() ([]byte, error) {
	data, err := watchfile.EncodeJSON(m)
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return data, nil
}

// DecodeManifest reads a manifest, refusing unknown versions and fields.
func DecodeManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := watchfile.DecodeJSON(data, &m); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if m.Version != ManifestVersion {
		return nil, fmt.Errorf("read manifest: version %d, this program reads version %d: rebuild the site with this version of award", m.Version, ManifestVersion)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return &m, nil
}

// check refuses a manifest whose windows lack what the intake relies on.
func (m *Manifest) check() error {
	for i, p := range m.Publicities {
		if p.ID == "" || p.FirstDay.IsZero() || p.LastDay.IsZero() || !p.Closes.After(p.Opens) {
			return fmt.Errorf("publicity %d (%q): id, firstDay, lastDay and a window with closes after opens are required", i, p.ID)
		}
	}
	for i, c := range m.Calls {
		if c.ID == "" || !c.Closes.After(c.Opens) {
			return fmt.Errorf("call %d (%q): id and a window with closes after opens are required", i, c.ID)
		}
	}
	return m.checkReports()
}

// Publicity returns a publicity window by id, or nil.
func (m *Manifest) Publicity(id string) *Publicity {
	for i := range m.Publicities {
		if m.Publicities[i].ID == id {
			return &m.Publicities[i]
		}
	}
	return nil
}

// Call returns a call by id, or nil.
func (m *Manifest) Call(id string) *Call {
	for i := range m.Calls {
		if m.Calls[i].ID == id {
			return &m.Calls[i]
		}
	}
	return nil
}

// ManifestFile is a manifest file that is read again whenever it changes
// (size or modification time), checked at most once per interval.
// It is safe for concurrent use. After a failed reload it keeps serving the
// last good manifest and reports the error through Err.
type ManifestFile = watchfile.File[Manifest]

// OpenManifest reads the manifest name in fsys (os.DirFS("public") and
// "windows.json", say); it fails if the file cannot be read.
func OpenManifest(fsys fs.FS, name string, interval time.Duration) (*ManifestFile, error) {
	f := watchfile.Open(fsys, name, interval, DecodeManifest)
	if err := f.Err(); err != nil {
		return nil, fmt.Errorf("manifest %w", err)
	}
	return f, nil
}
