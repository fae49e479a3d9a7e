package intake

import (
	"net/http"
	"time"

	"github.com/zhongmou/award/submission"
)

// objectionResponse is the 201 body of POST /api/objections, and the part
// every answer about a stored submission shares (receipt lookups leave the
// token and receipt path out).
type objectionResponse struct {
	Reference  string         `json:"reference"`
	Token      string         `json:"token"`
	ReceivedAt string         `json:"receivedAt"` // RFC 3339, +08:00
	Receipt    string         `json:"receipt"`    // path of the receipt, token included
	Files      []responseFile `json:"files"`
}

type responseFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func fileResponse(f submission.File) responseFile {
	return responseFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256}
}

// submissionResponse is what every JSON answer says of a stored submission:
// its reference, when it was received, and its files.
func (s *Server) submissionResponse(m *submission.Manifest) objectionResponse {
	resp := objectionResponse{Reference: m.Reference, ReceivedAt: m.ReceivedAt.In(s.loc).Format(time.RFC3339)}
	for _, f := range m.Files {
		resp.Files = append(resp.Files, fileResponse(f))
	}
	return resp
}

// acknowledge answers a request whose submission is stored: a browser is
// sent to the receipt page (303); a program gets 201 with body(base), base
// being the shared answer with the token and the receipt's path.
func (s *Server) acknowledge(w http.ResponseWriter, r *http.Request, m *submission.Manifest, token string, body func(base objectionResponse) any) {
	receipt := s.URL("receipt", "reference", m.Reference) + "?token=" + token
	if !wantsJSON(r) {
		http.Redirect(w, r, receipt, http.StatusSeeOther)
		return
	}
	base := s.submissionResponse(m)
	base.Token, base.Receipt = token, receipt
	writeJSON(w, http.StatusCreated, body(base))
}
