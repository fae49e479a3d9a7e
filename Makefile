# The two commands a newcomer needs: `make run` and `make test`.
# Everything else the targets need is installed by the targets themselves.

GO      ?= go
ADDR    ?= 127.0.0.1:8080
BIN     := $(CURDIR)/bin
HUGO_VERSION := v0.165.0
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
MAILPIT_VERSION := v1.33.1
VEGETA_VERSION := v12.13.0
PAGES   ?= 10000
RUNS    ?= 3
SUBMISSIONS ?= 10000

AXE     := internal/browsertest/node_modules/axe-core/axe.min.js
VNU     := internal/htmlcheck/node_modules/vnu-jar/build/dist/vnu.jar
LIGHTHOUSE := bench/lighthouse/node_modules/.bin/lighthouse
PAGEFIND := bench/pagefind/node_modules/@pagefind/linux-x64/bin/pagefind_extended

# npm ci from a lock file, with a plain message where npm is missing.
NPM_CI  = command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }; npm ci --ignore-scripts --no-audit --no-fund

.PHONY: run build dist test lint unit chromium nginx java pdftools bench faults fuzz clean

## run: build the site and serve it on http://$(ADDR) (env ADDR overrides);
## NOW=2026-11-24T10:00:00+08:00 pins the clock (award serve -now) for
## demonstrations and training. The program is built into bin/ and run
## directly, not with go run (which ends with status 1 on every Ctrl-C),
## and exec'd, so that no shell between make and it dies of the Ctrl-C:
## award exits 0 on SIGINT, the recipe does not fail, and make ends as
## Ctrl-C ends any program, without "make: *** … Error 1" or "Interrupt".
run:
	$(GO) build -o $(BIN)/award ./cmd/award
	exec env ADDR=$(ADDR) $(BIN)/award serve$(if $(NOW), -now $(NOW))

## build: content/ + themes/default -> public/
build:
	$(GO) run ./cmd/award build

## dist: static award programs (CGO_ENABLED=0) for linux/amd64, linux/arm64
## and linux/loong64 (信创 servers: Kunpeng/Phytium, Loongson) in dist/
## (git-ignored), with content/, themes/default/, site.yaml, holidays.yaml and
## townships.yaml built in as defaults (build tag dist, package award): a
## server needs neither Go nor the repository; a content/ or themes/default/
## beside the program is used instead. SHA256SUMS lists their checksums.
DIST_PLATFORMS ?= linux/amd64 linux/arm64 linux/loong64
dist:
	@mkdir -p dist
	@for p in $(DIST_PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; out=dist/award-$$os-$$arch; \
	  echo "$$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -tags dist -trimpath -ldflags='-s -w' -o $$out ./cmd/award || exit 1; \
	done
	@cd dist && sha256sum award-* > SHA256SUMS && cat SHA256SUMS

## test: formatting, vet, staticcheck and every test with the race detector,
## the storage and intake tests against a real MinIO server built into bin/
test: lint unit

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './bin/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@# No build output in the repository: no tracked file marked executable
	@# but scripts that say what runs them (#!), and no compiled program or
	@# object file (ELF, PE, Mach-O, ar; *.o *.a *.so *.test *.exe) outside
	@# testdata/, where the hostile-upload corpus keeps renamed programs.
	@bad=$$(git ls-files -s | awk '$$1 == "100755" {print $$4}' | while read -r f; do \
	  [ "$$(head -c 2 "$$f")" = "#!" ] || echo "$$f (executable)"; \
	done; \
	git ls-files | grep -v '/testdata/' | while read -r f; do \
	  case "$$f" in *.o|*.a|*.so|*.test|*.exe) echo "$$f (object file)"; continue;; esac; \
	  magic=$$(head -c 4 "$$f" 2>/dev/null | od -An -tx1 | tr -d ' \n'); \
	  case "$$magic" in 7f454c46*|4d5a*|cffaedfe*|cefaedfe*|213c6172*) echo "$$f (compiled program)";; esac; \
	done); \
	if [ -n "$$bad" ]; then echo "build output is tracked by git; remove it (git rm --cached) and ignore it:"; echo "$$bad"; exit 1; fi

unit: $(BIN)/minio $(BIN)/mailpit chromium nginx java pdftools $(AXE) $(VNU)
	AWARD_MINIO_BIN=$(BIN)/minio AWARD_MAILPIT_BIN=$(BIN)/mailpit $(GO) test -race -count=1 ./...

# The browser tests drive Debian's Chromium; install it when missing (as root,
# or with sudo). With CI=true a missing browser fails the run.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "could not install chromium: the browser tests will skip"; [ "$$CI" != true ]; }; }

# The form templates' test (internal/formtemplates) checks the PDFs of the
# 申报表 and 承诺书 with Debian's qpdf and poppler-utils (poppler-data for
# the Chinese encoding); install them when missing (as root, or with sudo).
# With CI=true missing tools fail the run.
pdftools:
	@{ command -v qpdf && command -v pdftotext && command -v pdffonts && command -v soffice && fc-list :lang=zh | grep -q .; } >/dev/null 2>&1 || { \
	  echo "installing Debian's qpdf, poppler-utils, LibreOffice Writer and a Chinese font for the form templates' test"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	      qpdf poppler-utils poppler-data libreoffice-writer-nogui fonts-wqy-zenhei >/dev/null; } \
	  || { echo "could not install qpdf, poppler-utils and LibreOffice: the form templates' checks will skip"; [ "$$CI" != true ]; }; }

# The nginx tests run Debian's nginx in front of the site and the intake,
# with a configuration generated from deploy/nginx-award.conf; install it
# when missing (as root, or with sudo). With CI=true a missing nginx fails the run.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "installing Debian's nginx for the nginx tests"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; } \
	  || { echo "could not install nginx: the nginx tests will skip"; [ "$$CI" != true ]; }; }

# axe-core for the accessibility test and tus-js-client for the tus
# conformance tests (internal/faults, driven by internal/browsertest/tus/),
# from the npm registry at the versions pinned in
# internal/browsertest/package-lock.json (node_modules is git-ignored).
$(AXE): internal/browsertest/package.json internal/browsertest/package-lock.json
	cd internal/browsertest && $(NPM_CI)
	@touch $@

# The W3C Nu HTML Checker for internal/htmlcheck (every page of the site and
# the intake's pages must pass it), from the npm registry at the version
# pinned in internal/htmlcheck/package-lock.json (node_modules is git-ignored;
# --ignore-scripts: its postinstall would download a Java, Debian's is used).
$(VNU): internal/htmlcheck/package.json internal/htmlcheck/package-lock.json
	cd internal/htmlcheck && $(NPM_CI)
	@touch $@

# The Nu HTML Checker runs on Debian's Java (17 or later); install it when
# missing (as root, or with sudo). With CI=true a missing java fails the run.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's Java for the HTML checker (internal/htmlcheck)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } \
	  || { echo "could not install Java: the HTML checker test will skip"; [ "$$CI" != true ]; }; }

# Lighthouse for make bench, pinned in bench/lighthouse/package-lock.json.
$(LIGHTHOUSE): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && $(NPM_CI)
	@touch $@

# Pagefind, the search peer of make bench, pinned in bench/pagefind/package-lock.json.
$(PAGEFIND): bench/pagefind/package.json bench/pagefind/package-lock.json
	cd bench/pagefind && $(NPM_CI)
	@touch $@

## bench: the site build against Hugo on $(PAGES) generated pages (on tmpfs and on
## the disk); live editing
## (write to updated HTML) against hugo server; the intake
## against a direct minio-go upload (1 GiB, then 64 concurrent objections,
## then 1 GiB staged through /api/uploads/ with the intake's peak RSS);
## slow and silent clients (1,100 silent connections, 100 slow uploads, 100
## field-heavy posts: descriptors held and peak RSS);
## Lighthouse scores of the home page, a notice, a publicity list and both
## forms (phone and desktop); the search index against Pagefind (build, size,
## bytes per query in Chromium); the console's inbox, filter, search and first page
## after a restart over $(SUBMISSIONS) submissions in MinIO; and the Go benchmarks.
## It ends with one table of every goal: figure, peer of the same run, goal
BENCH_SUMMARY ?= $(CURDIR)/artifacts/bench-goals.jsonl
bench: export AWARD_BENCH_SUMMARY = $(BENCH_SUMMARY)
bench: $(BIN)/hugo $(BIN)/minio $(BIN)/mailpit $(BIN)/vegeta chromium nginx $(LIGHTHOUSE) $(PAGEFIND)
	@mkdir -p $(dir $(BENCH_SUMMARY)) && rm -f $(BENCH_SUMMARY)
	$(GO) run ./bench/sitebench -pages $(PAGES) -runs $(RUNS) -hugo $(BIN)/hugo -dirs /dev/shm,$${TMPDIR:-/tmp}
	$(GO) run ./bench/livebench -pages $(PAGES) -hugo $(BIN)/hugo
	AWARD_MINIO_BIN=$(BIN)/minio $(GO) run ./bench/intakebench
	AWARD_MINIO_BIN=$(BIN)/minio $(GO) run ./bench/slowbench
	AWARD_MINIO_BIN=$(BIN)/minio $(GO) run ./bench/consolebench -n $(SUBMISSIONS) -reps 20
	$(GO) run ./bench/pagebench -lighthouse $(LIGHTHOUSE)
	$(GO) run ./bench/searchbench -pages $(PAGES) -pagefind $(PAGEFIND)
	AWARD_BENCH=1 AWARD_VEGETA_BIN=$(BIN)/vegeta AWARD_MINIO_BIN=$(BIN)/minio AWARD_MAILPIT_BIN=$(BIN)/mailpit \
		$(GO) test -count=1 -v -run TestVegetaBench ./internal/faults/
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@echo; echo "== every goal of this run (figure, peer in the same run, goal)"
	@$(GO) run ./bench/summary $(BENCH_SUMMARY)

## fuzz: every fuzz target for $(FUZZTIME) each (the seed corpora in testdata/fuzz run in make test)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s $$pkg || exit 1; \
	  done; \
	done

$(BIN)/minio:
	GOBIN=$(BIN) $(GO) install github.com/minio/minio@$(MINIO_VERSION)

# Mailpit, the real SMTP server of the notification tests (internal/mailpittest).
$(BIN)/mailpit:
	GOBIN=$(BIN) $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

# vegeta, the load generator of make bench's replica load test.
$(BIN)/vegeta:
	GOBIN=$(BIN) $(GO) install github.com/tsenart/vegeta/v12@$(VEGETA_VERSION)

## faults: the fault-injection suite alone (MinIO, nginx, Mailpit on loopback;
## TestCluster: a 4-node MinIO and three intakes behind nginx); make test runs it too
faults: $(BIN)/minio $(BIN)/mailpit nginx
	CI=true AWARD_MINIO_BIN=$(BIN)/minio AWARD_MAILPIT_BIN=$(BIN)/mailpit \
		$(GO) test -count=1 -timeout 20m ./internal/faults/

$(BIN)/hugo:
	GOBIN=$(BIN) $(GO) install github.com/gohugoio/hugo@$(HUGO_VERSION)

clean:
	rm -rf public dist
