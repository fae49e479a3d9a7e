package mailpittest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Message is a message Mailpit received, as its API reports it.
type Message struct {
	ID        string              // Mailpit's own identifier
	MessageID string              // the Message-ID header, without the angle brackets
	From      string              // the From address
	To        []string            // the To addresses
	Subject   string              // decoded
	Text      string              // the plain-text body, decoded, with \n line ends
	Username  string              // the SMTP user name the sender signed in with, if any
	Headers   map[string][]string // every header, raw, keyed as Mailpit spells them (Message-Id, Auto-Submitted)
	Date      time.Time           // the Date header (when it is missing, when Mailpit received it)
}

// Messages returns every message the server has received, oldest first,
// read through its HTTP API (GET /api/v1/messages, then each message and
// its headers). A failing request fails the test.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	msgs, err := s.messages()
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func (s *Server) messages() ([]Message, error) {
	type address struct{ Address string }
	type summary struct{ ID string }
	var ids []string
	for start := 0; ; {
		var page struct {
			Total    int
			Messages []summary
		}
		if err := s.getJSON("/api/v1/messages?limit=250&start="+fmt.Sprint(start), &page); err != nil {
			return nil, err
		}
		for _, m := range page.Messages {
			ids = append(ids, m.ID)
		}
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			break
		}
	}
	msgs := make([]Message, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- { // the API lists newest first
		var full struct {
			ID, MessageID, Subject, Text, Username string
			From                                   address
			To                                     []address
			Date                                   time.Time
		}
		path := "/api/v1/message/" + url.PathEscape(ids[i])
		if err := s.getJSON(path, &full); err != nil {
			return nil, err
		}
		m := Message{ID: full.ID, MessageID: full.MessageID, From: full.From.Address, Subject: full.Subject,
			Text: strings.ReplaceAll(full.Text, "\r\n", "\n"), Username: full.Username, Date: full.Date}
		for _, a := range full.To {
			m.To = append(m.To, a.Address)
		}
		if err := s.getJSON(path+"/headers", &m.Headers); err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

func (s *Server) getJSON(path string, v any) error {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(s.APIURL + path)
	if err != nil {
		return fmt.Errorf("mailpittest: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpittest: GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("mailpittest: GET %s: %w", path, err)
	}
	return nil
}
