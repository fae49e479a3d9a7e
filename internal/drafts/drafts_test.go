package drafts

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/*.txtar from the current output")

// record is a stored application as the tests give it: its manifest and
// its current stage.
type record struct {
	Stage    string              `json:"stage"`
	Manifest submission.Manifest `json:"manifest"`
}

// options is a case's options: which draft, and its inputs.
type options struct {
	Kind        string             `json:"kind"` // publicity, result, winners
	Call        schedule.Call      `json:"call"`
	ID          string             `json:"id"`
	Start       workday.Date       `json:"start"`
	Date        workday.Date       `json:"date"`
	GeneratedBy string             `json:"generatedBy"`
	CloseTime   string             `json:"closeTime"`
	Contact     []string           `json:"contact"`
	Publicity   schedule.Publicity `json:"publicity"`
}

func calendar(t testing.TB) *workday.Calendar {
	t.Helper()
	cal, err := workday.Load(os.DirFS("../.."), "holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestDraftGolden runs testdata/*.txtar: records.json (the applications)
// and options.json in; want/<name> the drafts expected, byte for byte, or
// error the message expected (every non-empty line occurs in it).
func TestDraftGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata", err)
	}
	cal := calendar(t)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var recs []record
			var o options
			want := map[string][]byte{}
			var wantErr string
			for _, f := range ar.Files {
				switch {
				case f.Name == "records.json":
					if err := json.Unmarshal(f.Data, &recs); err != nil {
						t.Fatal(err)
					}
				case f.Name == "options.json":
					if err := json.Unmarshal(f.Data, &o); err != nil {
						t.Fatal(err)
					}
				case f.Name == "error":
					wantErr = string(f.Data)
				case strings.HasPrefix(f.Name, "want/"):
					want[strings.TrimPrefix(f.Name, "want/")] = f.Data
				}
			}
			var apps []Application
			for _, r := range recs {
				r.Manifest.Kind = submission.KindApplication
				apps = append(apps, ApplicationOf(&r.Manifest, r.Stage))
			}
			prov := Provenance{GeneratedBy: o.GeneratedBy, Date: o.Date}
			var got []Draft
			switch o.Kind {
			case "publicity":
				var d *Draft
				d, err = Publicity(apps, PublicityOptions{Call: o.Call, ID: o.ID, Start: o.Start, Calendar: cal, CloseTime: o.CloseTime, Contact: o.Contact, Provenance: prov})
				if d != nil {
					got = append(got, *d)
				}
			case "result":
				var d *Draft
				d, err = Result(apps, ResultOptions{Publicity: o.Publicity, Provenance: prov})
				if d != nil {
					got = append(got, *d)
				}
			case "winners":
				got, err = Winners(apps, WinnersOptions{Call: o.Call, Provenance: prov})
			default:
				t.Fatalf("options.json: kind %q", o.Kind)
			}
			if wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want one holding %q", wantErr)
				}
				for _, line := range strings.Split(wantErr, "\n") {
					if line = strings.TrimSpace(line); line != "" && !strings.Contains(err.Error(), line) {
						t.Errorf("error %q lacks %q", err, line)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				var keep []txtar.File
				for _, f := range ar.Files {
					if !strings.HasPrefix(f.Name, "want/") {
						keep = append(keep, f)
					}
				}
				for _, d := range got {
					keep = append(keep, txtar.File{Name: "want/" + d.Name, Data: d.Data})
				}
				ar.Files = keep
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if len(got) != len(want) {
				var names []string
				for _, d := range got {
					names = append(names, d.Name)
				}
				t.Errorf("got %d drafts %v, want %d", len(got), names, len(want))
			}
			for _, d := range got {
				w, ok := want[d.Name]
				if !ok {
					t.Errorf("unexpected draft %s:\n%s", d.Name, d.Data)
					continue
				}
				if !bytes.Equal(d.Data, w) {
					t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", d.Name, d.Data, w)
				}
			}
		})
	}
}

func TestDraftPublish(t *testing.T) {
	in := []byte("---\ntitle: x\ndraft: true\ngeneratedBy: 王秘书\ncandidates:\n  - id: c01\n    draft: true\n---\n\ndraft: true\n")
	out, err := Publish(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "---\ntitle: x\ngeneratedBy: 王秘书\ncandidates:\n  - id: c01\n    draft: true\n---\n\ndraft: true\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	info, err := Read(in)
	if err != nil || !info.Draft || info.GeneratedBy != "王秘书" {
		t.Errorf("Read = %+v, %v", info, err)
	}
	if _, err := Publish(out); err != ErrNotDraft {
		t.Errorf("publishing a published page: %v, want ErrNotDraft", err)
	}
	if _, err := Publish([]byte("no front matter")); err != ErrNoFrontMatter {
		t.Errorf("no front matter: %v", err)
	}
}

func TestDraftSession(t *testing.T) {
	for n, want := range map[int]string{1: "第一届", 7: "第七届", 10: "第十届", 12: "第十二届", 20: "第二十届", 23: "第二十三届"} {
		if got := Session(n); got != want {
			t.Errorf("Session(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestOutcomesReference: a candidate's reference finds its application as
// written by hand too (lower case, no dash), as the console's outcome form
// reads it.
func TestOutcomesReference(t *testing.T) {
	apps := testApplications()
	p := schedule.Publicity{Candidates: []schedule.Candidate{{ID: "c01", Name: "中牟县生成食品有限公司", Reference: " k7m2qx9d"}}}
	outs, err := Outcomes(p, apps)
	if err != nil || len(outs) != 1 || outs[0].Application != "K7M2-QX9D" {
		t.Errorf("Outcomes = %+v, %v", outs, err)
	}
}
