package watchfile

import (
	"bytes"
	"encoding/json"
)

// EncodeJSON is v as the build writes its JSON outputs (windows.json,
// chrome.json): indented, with HTML characters unescaped.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeJSON reads data into v, refusing fields v does not have, so that
// an output written by another version is not misread.
func DecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
