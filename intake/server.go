// Package intake is the award's online intake: objections during a publicity
// (and, with their issue, applications during a call), each stored whole with
// its files' SHA-256, or not at all, and acknowledged with a receipt.
//
// Routes (all under one origin with the site; see README "Intake API"):
//
//	GET  /api/objections/new        the objection form (publicity, candidate in the query)
//	POST /api/objections            multipart/form-data; 201 JSON or 303 to the receipt
//	GET  /api/applications/new      the application form (call in the query)
//	POST /api/applications          multipart/form-data; 201 JSON or 303 to the receipt
//	GET  /api/reports/new           a winner's annual report form (call in the query)
//	POST /api/reports               multipart/form-data; 201 JSON or 303 to the receipt
//	GET  /api/receipts/{reference}  the receipt; needs ?token=
//	POST /api/receipts/{reference}/supplements
//	                                a supplement to the receipt's notice (?token=);
//	                                multipart/form-data; 201 JSON or 303 to the receipt
//	GET  /api/progress              the stage only, by reference and creditCode or idTail
//	GET  /healthz, /readyz          liveness; readiness (storage and windows manifest)
//	GET  /metrics                   Prometheus metrics
package intake

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/budget"
	"github.com/zhongmou/award/internal/pagechrome"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// Windows gives the current windows manifest.
type Windows interface {
	Current() *schedule.Manifest
}

// Chrome gives the current page chrome, the site's header and footer that
// the site build writes (pagechrome.Name); Current is nil while there is
// none.
type Chrome interface {
	Current() *pagechrome.Chrome
}

// Server is the intake's HTTP service.
type Server struct {
	cfg       Config
	calendar  *workday.Calendar
	townships []string
	archive   *archive.Archive
	windows   Windows
	log       *slog.Logger
	now       func() time.Time
	loc       *time.Location
	metrics   *metrics
	pages     *pages
	router    *mux.Router
	handler   http.Handler
	csrfKey   []byte
	// submitLim bounds the submissions stored (RateLimits.Submit),
	// refusalLim the posts refused (RateLimits.Refusal).
	submitLim, refusalLim *limiterSet
	lookupLim             *limiterSet
	// progressLim bounds progress lookups (RateLimits.Progress).
	progressLim *limiterSet
	// uploadLim bounds the creation of staged uploads (RateLimits.Upload).
	uploadLim *limiterSet
	// formText bounds the text fields all requests hold at once.
	formText *budget.Pool
	// winCheck compares the served windows manifest with the published one.
	winCheck windowsCheck
}

// Deps are what the server is built from.
type Deps struct {
	// Calendar counts working days (applications' internal publicity).
	Calendar *workday.Calendar
	// Townships are the county's townships and sub-districts (townships.yaml).
	Townships []string
	// Archive keeps the submissions: their files, manifests, status
	// records, ledger. Required.
	Archive *archive.Archive
	Windows Windows
	// Chrome is the site's header and footer, which every page (forms,
	// receipts, error pages) shows, inserted as HTML; while it is nil or
	// has none, the pages show a plain header and footer of their own.
	Chrome Chrome
	Log    *slog.Logger
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
}

// New returns the intake server.
func New(cfg Config, d Deps) (*Server, error) {
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("intake: %w", err)
	}
	if d.Archive == nil {
		return nil, fmt.Errorf("intake: no archive (Deps.Archive)")
	}
	s := &Server{cfg: cfg, archive: d.Archive, windows: d.Windows, log: d.Log, now: d.Now, loc: loc,
		calendar: d.Calendar, townships: d.Townships}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.metrics, err = newMetrics(); err != nil {
		return nil, err
	}
	d.Archive.OnSweep = s.metrics.countSweep
	if s.pages, err = loadPages(cfg); err != nil {
		return nil, err
	}
	s.pages.csrf = s.csrfToken
	s.pages.chrome = d.Chrome
	s.pages.warnNoChrome(s.log)
	s.csrfKey = csrfKeyBytes(cfg)
	if s.cfg.CSRFMaxAge <= 0 {
		s.cfg.CSRFMaxAge = 12 * time.Hour
	}
	submit, err := parseRate(cfg.RateLimits.Submit)
	if err != nil {
		return nil, fmt.Errorf("intake: rateLimits.submit: %w", err)
	}
	lookup, err := parseRate(cfg.RateLimits.Receipt)
	if err != nil {
		return nil, fmt.Errorf("intake: rateLimits.receipt: %w", err)
	}
	s.submitLim, s.lookupLim = newLimiterSet(submit, time.Now, cfg.RateLimits.MaxClients), newLimiterSet(lookup, time.Now, cfg.RateLimits.MaxClients)
	progress, err := parseRate(cfg.RateLimits.Progress)
	if err != nil {
		return nil, fmt.Errorf("intake: rateLimits.progress: %w", err)
	}
	s.progressLim = newLimiterSet(progress, time.Now, cfg.RateLimits.MaxClients)
	upload, err := parseRate(cfg.RateLimits.Upload)
	if err != nil {
		return nil, fmt.Errorf("intake: rateLimits.upload: %w", err)
	}
	s.uploadLim = newLimiterSet(upload, time.Now, cfg.RateLimits.MaxClients)
	refusal, err := parseRate(cfg.RateLimits.Refusal)
	if err != nil {
		return nil, fmt.Errorf("intake: rateLimits.refusal: %w", err)
	}
	s.refusalLim = newLimiterSet(refusal, time.Now, cfg.RateLimits.MaxClients)
	mem := cfg.Memory
	if mem.FormText <= 0 || mem.Wait <= 0 {
		mem = DefaultMemory()
	}
	if s.cfg.Limits.MaxFormTextBytes <= 0 {
		s.cfg.Limits.MaxFormTextBytes = DefaultConfig().Limits.MaxFormTextBytes
	}
	s.formText = budget.New("form text", mem.FormText, mem.Wait)
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	r := mux.NewRouter()
	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet, http.MethodHead).Name("healthz")
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet, http.MethodHead).Name("readyz")
	r.Handle("/metrics", s.metrics.handler()).Methods(http.MethodGet).Name("metrics")
	api := r.PathPrefix("/api").Subrouter()
	api.Use(s.recoverPanics, s.requestLog)
	// Posts: a declared length over the form's maximum and the origin
	// check are answered before any byte of the body is read (so an
	// Expect: 100-continue client never sends it); then the stall guard on
	// the body. The rate limits of posts are submit's (submitGate): a post
	// over them is refused before any file is stored, with its entries.
	post := func(kind string, maxBytes int64, h http.HandlerFunc) http.Handler {
		return s.refuseDeclaredTooLarge(kind, maxBytes)(s.checkOrigin(kind)(s.dropStalled(h)))
	}
	api.HandleFunc("/objections/new", s.objectionNew).Methods(http.MethodGet, http.MethodHead).Name("objection-form")
	api.Handle("/objections", post(submission.KindObjection, s.cfg.Limits.MaxRequestBytes, s.objectionCreate)).Methods(http.MethodPost).Name("objection-create")
	api.HandleFunc("/applications/new", s.applicationNew).Methods(http.MethodGet, http.MethodHead).Name("application-form")
	api.Handle("/applications", post(submission.KindApplication, s.cfg.Limits.ApplicationMaxRequestBytes, s.applicationCreate)).Methods(http.MethodPost).Name("application-create")
	api.HandleFunc("/reports/new", s.reportNew).Methods(http.MethodGet, http.MethodHead).Name("report-form")
	api.Handle("/reports", post(submission.KindReport, s.cfg.Limits.ApplicationMaxRequestBytes, s.reportCreate)).Methods(http.MethodPost).Name("report-create")
	api.Handle("/receipts/{reference}", s.rateLimit(s.lookupLim, "receipt")(http.HandlerFunc(s.receiptShow))).Methods(http.MethodGet, http.MethodHead).Name("receipt")
	api.Handle("/receipts/{reference}/supplements", post(submission.KindSupplement, max(s.cfg.Limits.ApplicationMaxRequestBytes, s.cfg.Limits.MaxRequestBytes), s.supplementCreate)).Methods(http.MethodPost).Name("supplement-create")
	api.Handle("/progress", s.rateLimit(s.progressLim, "progress")(http.HandlerFunc(s.progressShow))).Methods(http.MethodGet, http.MethodHead).Name("progress")
	s.uploadRoutes(api)
	api.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &problem{Status: http.StatusNotFound, Code: "not_found", Message: "没有这个地址。请从网站页面进入。"}, nil)
	})
	api.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &problem{Status: http.StatusMethodNotAllowed, Code: "invalid", Message: "不支持这种请求方式。"}, nil)
	})
	s.router = r
	s.handler = s.requestID(securityHeaders(r))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// URL builds the path of a named route, under the site's base path.
func (s *Server) URL(name string, pairs ...string) string {
	u, err := s.router.Get(name).URL(pairs...)
	if err != nil {
		return "/"
	}
	return strings.TrimSuffix(s.cfg.BasePath, "/") + u.String()
}

// manifest is the current windows manifest, or nil.
func (s *Server) manifest() *schedule.Manifest {
	if s.windows == nil {
		return nil
	}
	return s.windows.Current()
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(v))
				s.fail(w, r, errInternal, nil)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// requestLog logs each request without its body or query (which may carry
// a receipt token) and without any personal data (not even the client's
// address); the request id ties it to the proxy's log.
func (s *Server) requestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.Info("request", "request_id", requestIDOf(r), "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "bytes_in", r.ContentLength)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
