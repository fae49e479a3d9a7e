// Package goals records the figures of make bench against their peers and
// goals, so that the run ends with one table of every goal (bench/summary).
//
// Each bench calls Record once per goal. When the environment variable
// AWARD_BENCH_SUMMARY names a file, the record is appended to it as one
// JSON line; the bench also prints the line itself, so a bench run alone
// shows the same words. A record states the figure, the peer's figure of
// the same run (empty where the goal is an absolute floor), the goal, and
// whether it was met: nothing is judged later from a stored number.
package goals

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Result is one goal's outcome in one run.
type Result struct {
	// Bench is the bench that measured it (sitebench, livebench, …).
	Bench string `json:"bench"`
	// Name says what was measured: "full build wall time, tmpfs".
	Name string `json:"name"`
	// Figure is ours, as printed: "1.21 s", "0.31×".
	Figure string `json:"figure"`
	// Peer is the peer's figure in the same run ("hugo 3.9 s"), or "".
	Peer string `json:"peer,omitempty"`
	// Goal is the goal as printed: "≤ 0.25 of Hugo".
	Goal string `json:"goal"`
	Met  bool   `json:"met"`
}

// Verdict is "met" or "NOT met".
func Verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// Record prints r to w and appends it to $AWARD_BENCH_SUMMARY when set.
func Record(w io.Writer, r Result) error {
	peer := ""
	if r.Peer != "" {
		peer = "; peer " + r.Peer
	}
	fmt.Fprintf(w, "  goal: %s: %s%s (goal %s: %s)\n", r.Name, r.Figure, peer, r.Goal, Verdict(r.Met))
	path := os.Getenv("AWARD_BENCH_SUMMARY")
	if path == "" {
		return nil
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record goal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("record goal: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("record goal: %w", err)
	}
	return f.Close()
}

// Read returns the results recorded in the file at path, in order.
func Read(path string) ([]Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read goals: %w", err)
	}
	var out []Result
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var r Result
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("read goals %s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}
