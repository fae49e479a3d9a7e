package intake

import (
	"strings"
	"testing"
)

// TestPrivacyNoticeRetention: each form's privacy notice states the
// retention of its kind as configured (PIPL Art. 17), not one flat period.
func TestPrivacyNoticeRetention(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) {
		c.Retention.ValidityYears, c.Retention.WonYears, c.Retention.OtherYears, c.Retention.ObjectionYears = 3, 12, 2, 4
	})
	for _, c := range []struct{ path, want string }{
		{"/api/applications/new?call=call-2026", "保存期限：获奖的，保存至获奖有效期（3年）届满后12年；未获奖的，保存至评选结束当年年底后2年。"},
		{"/api/objections/new?publicity=pub-2026&candidate=c01", "保存期限：保存至异议办理完结当年年底后4年，期满后删除异议材料和异议人信息。"},
	} {
		if page := getBody(t, e.http.URL+c.path, 200); !strings.Contains(page, c.want) {
			t.Errorf("%s does not state %q", c.path, c.want)
		}
	}
}
