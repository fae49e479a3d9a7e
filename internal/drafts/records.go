package drafts

import (
	"fmt"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// FromCases reads the applications of cases (archive.Applications) at
// their current stages. Every manifest must verify under the record key
// (verify: the archive's Signer().Verify): what goes on the public site is
// only what was stored as it was submitted.
func FromCases(cases []*archive.Case, verify func(submission.Signable) error) ([]Application, error) {
	var out []Application
	for _, c := range cases {
		if c.Manifest.Kind != submission.KindApplication {
			continue
		}
		if err := verify(c.Manifest); err != nil {
			return nil, fmt.Errorf("申报 %s 的记录未通过防篡改核验（%v），不能据此生成页面：请运行 award audit verify 核查", c.Manifest.Reference, err)
		}
		out = append(out, ApplicationOf(c.Manifest, c.Current.Code))
	}
	return out, nil
}
