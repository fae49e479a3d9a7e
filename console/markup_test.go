package console

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestInputsHaveType: every input of the console's templates says its type
// (the W3C checker's finding on the public forms holds here too), so that
// browsers and assistive technology do not guess.
func TestInputsHaveType(t *testing.T) {
	input := regexp.MustCompile(`<input\b[^>]*>`)
	templates := os.DirFS("templates")
	inputs := 0
	err := fs.WalkDir(templates, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := fs.ReadFile(templates, p)
		if err != nil {
			return err
		}
		for _, tag := range input.FindAllString(string(b), -1) {
			inputs++
			if !strings.Contains(tag, " type=") {
				t.Errorf("%s: %s has no type", p, tag)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if inputs == 0 {
		t.Fatal("no input found in the console's templates")
	}
}
