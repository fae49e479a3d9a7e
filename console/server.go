package console

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/workday"
)

// Prefix is where the console's pages are: every route is under it.
const Prefix = "/staff/"

// Server is the console's HTTP service.
type Server struct {
	cfg       Config
	archive   *archive.Archive
	staff     *staff.Directory
	outbox    *notify.Outbox
	calendar  *workday.Calendar
	townships []string
	windows   Windows // nil: no windows manifest
	limits    intake.Limits
	log       *slog.Logger
	now       func() time.Time
	loc       *time.Location
	pages     *pages
	cases     *caseIndex
	site      *DraftSite
	preview   *previewCache
	router    *mux.Router
	handler   http.Handler
}

// Deps are what the console is built from.
type Deps struct {
	// Archive keeps the submissions, their stages and the audit log;
	// opened with the identity key, so that the secretariat can see an
	// identity when it gives a reason. Required.
	Archive *archive.Archive
	// Staff are the accounts and sessions. Required.
	Staff *staff.Directory
	// Outbox sends mail: the secretariat's notices of new submissions
	// and the submitters' notices of stage changes. nil: no mail.
	Outbox *notify.Outbox
	// Calendar counts working days; Townships are townships.yaml's.
	Calendar  *workday.Calendar
	Townships []string
	Log       *slog.Logger
	// Now is the console's clock; nil means time.Now.
	Now func() time.Time
	// Windows is the site's windows manifest (windows.json): the calls and
	// publicity lists, for objection outcomes (the candidate's
	// application) and paper submissions (the window). nil: none; an
	// outcome then finds the application by credit code alone.
	Windows Windows
	// Limits are the intake's, for paper submissions (代录) checked as
	// online ones; nil: intake.DefaultConfig's.
	Limits *intake.Limits
	// Site is what the pages generated from the records need (生成公示,
	// 生成公示结果, 生成获奖名单, 审核发布: see DraftSite); nil: the console
	// offers none of them. The calls and publicities come from Windows.
	Site *DraftSite
}

// Windows gives the current windows manifest; Current may be nil.
type Windows interface {
	Current() *schedule.Manifest
}

// New returns the console.
func New(cfg Config, d Deps) (*Server, error) {
	cfg.fill()
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if d.Archive == nil || d.Staff == nil {
		return nil, fmt.Errorf("console: Deps.Archive and Deps.Staff are required")
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	s := &Server{cfg: cfg, archive: d.Archive, staff: d.Staff, outbox: d.Outbox, calendar: d.Calendar,
		townships: d.Townships, windows: d.Windows, log: d.Log, now: d.Now, loc: loc}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.limits = intake.DefaultConfig().Limits
	if d.Limits != nil {
		s.limits = *d.Limits
	}
	if s.pages, err = loadPages(loc); err != nil {
		return nil, err
	}
	s.cases = newCaseIndex(d.Archive, s.log)
	s.site, s.preview = d.Site, &previewCache{}
	s.routes()
	return s, nil
}

// Who may use a route.
var (
	everyone     = []staff.Role{staff.Secretariat, staff.Township, staff.Reviewer, staff.Auditor}
	caseReaders  = []staff.Role{staff.Secretariat, staff.Township, staff.Reviewer}
	secretariat  = []staff.Role{staff.Secretariat}
	auditReaders = []staff.Role{staff.Secretariat, staff.Auditor}
	// townshipReviewers record a township's 初审 and return an application
	// for correction: a township its own applications, the secretariat any.
	townshipReviewers = []staff.Role{staff.Secretariat, staff.Township}
)

func (s *Server) routes() {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	st := r.PathPrefix("/staff").Subrouter()
	st.HandleFunc("/login", s.loginShow).Methods(http.MethodGet, http.MethodHead)
	st.HandleFunc("/login", s.loginSubmit).Methods(http.MethodPost)
	st.Handle("/console.css", http.HandlerFunc(s.stylesheet)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/print.css", http.HandlerFunc(s.printStylesheet)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/logout", s.signedIn(everyone, s.logout)).Methods(http.MethodPost)
	st.Handle("/password", s.signedIn(everyone, s.passwordShow)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/password", s.signedIn(everyone, s.passwordSubmit)).Methods(http.MethodPost)
	st.Handle("/", s.signedIn(caseReaders, s.inbox)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/cases/{reference}", s.signedIn(caseReaders, s.caseShow)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/cases/{reference}/identity", s.signedIn(secretariat, s.identityShow)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/events", s.signedIn(secretariat, s.eventCreate)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/assignees", s.signedIn(secretariat, s.assigneeCreate)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/corrections", s.signedIn(townshipReviewers, s.correctionCreate)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/review", s.signedInUpload(townshipReviewers, maxReviewBody(), s.reviewCreate)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/corrections/{seq:[0-9]+}", s.signedIn(caseReaders, s.correctionPrint)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/cases/{reference}/corrections/{seq:[0-9]+}/extension", s.signedIn(secretariat, s.extensionCreate)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/receipt", s.signedIn(secretariat, s.receiptReissue)).Methods(http.MethodPost)
	st.Handle("/cases/{reference}/files/{n:[0-9]+}", s.signedIn(caseReaders, s.fileDownload)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/export", s.signedIn(secretariat, s.exportDownload)).Methods(http.MethodGet, http.MethodPost)
	st.Handle("/paper", s.signedIn(secretariat, s.paperNew)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/paper", s.signedInUpload(secretariat, s.limits.ApplicationMaxRequestBytes, s.paperCreate)).Methods(http.MethodPost)
	st.Handle("/audit", s.signedIn(auditReaders, s.auditShow)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/reports", s.signedIn(secretariat, s.reportsShow)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/drafts", s.signedIn(secretariat, s.draftList)).Methods(http.MethodGet, http.MethodHead)
	st.Handle("/drafts", s.signedIn(secretariat, s.draftCreate)).Methods(http.MethodPost)
	st.Handle("/drafts/publish", s.signedIn(secretariat, s.draftPublish)).Methods(http.MethodPost)
	st.PathPrefix("/preview/").Handler(s.signedIn(secretariat, s.draftPreview)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/staff", http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	s.router = r
	s.handler = s.recoverPanics(s.headers(r))
}

// ServeHTTP serves the console.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
