package pagechrome

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestRoundTripAndRefusals(t *testing.T) {
	c := &Chrome{Version: Version, Header: `<header class="site-header"><a href="/">首页</a></header>`, Footer: "<footer>网站标识码：4101220001</footer>"}
	data, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "<a href=") || strings.Contains(string(data), `\u003c`) {
		t.Errorf("HTML escaped in the file, hard to read:\n%s", data)
	}
	fsys := fstest.MapFS{Name: {Data: data, ModTime: time.Unix(1, 0)}}
	f := Open(fsys, 0)
	if got := f.Current(); got == nil || *got != *c {
		t.Fatalf("round trip: got %+v, err %v", got, f.Err())
	}
	for _, bad := range []string{`{"version": 2, "header": "", "footer": ""}`, `{"version": 1, "header": "", "footer": "", "nav": ""}`, `<header>`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) succeeded", bad)
		}
	}
}
