# exdiag: the two commands a newcomer needs are `make demo` and `make test`.
GO       ?= go
BIN      ?= bin/exdiag
PKGS     := ./...
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -s -w

.PHONY: all demo build test lint vet fmt-check tidy-check staticcheck windows-tests windows-wine unit bench clean update-golden

all: build

# demo runs the real check against the embedded lab. Exit code 1 means
# "findings found", which is what the demo is for, so it does not fail make;
# the binary is built first so that `go run` adds no "exit status 1".
SCENARIO ?= all
demo:
	@$(GO) build -o $(BIN) ./cmd/exdiag
	@./$(BIN) demo --scenario $(SCENARIO) || [ $$? -eq 1 ]

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/exdiag

# test runs formatting, lint, tidy and vet checks (Linux and Windows),
# compiles every test binary for Windows, and runs every test tier with the
# race detector; then one line says whether the Samba AD DC tier ran or
# why it skipped (with EXDIAG_REQUIRE_SAMBA=1, as .ci/run sets, it fails).
test: lint windows-tests
	$(GO) test -race -count=1 $(PKGS)
	@$(GO) run ./internal/tools/sambatier

# windows-tests compiles every package's tests for Windows, so platform code
# cannot rot unseen on Linux CI.
windows-tests:
	@for p in $$($(GO) list ./...); do GOOS=windows $(GO) test -c -o /dev/null $$p || exit 1; done

# windows-wine runs exdiag.exe and every package's Windows test binary
# under Wine (installs wine64, the mingw binutils and tmux when missing;
# needs root for its network namespaces). See internal/tools/wine.
windows-wine:
	bash internal/tools/wine/run.sh

# lint: formatting, vet and staticcheck for Linux and Windows, and go.mod
# and go.sum exactly as `go mod tidy` leaves them. staticcheck comes from
# the module proxy at the version below (checked against go.sum's database,
# sum.golang.org); its checks are the defaults, see staticcheck.conf.
STATICCHECK_VERSION := v0.8.2
lint: fmt-check vet tidy-check staticcheck

tidy-check:
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy and commit the result"; exit 1; }

staticcheck:
	GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	bin/staticcheck ./...
	GOOS=windows bin/staticcheck ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 $(PKGS)

# bench: Go benchmarks of the pure parts (name matching, the rules over
# 10,000 endpoints, rendering 10,000 findings), then exdiag against
# generated organisations of 100, 1000 and 5000 servers in the lab.
BENCH_SERVERS ?= 100,1000,5000
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/diag/ ./internal/report/ ./internal/probe/
	$(GO) run ./internal/tools/bench -servers $(BENCH_SERVERS)

update-golden:
	$(GO) test ./internal/report/ ./internal/ad/ ./internal/remedy/ ./internal/cli/ -update

clean:
	rm -rf bin

# dist builds the release: static binaries (no cgo) for each platform below,
# stamped with VERSION and, from a git checkout, the commit; packed by internal/tools/dist into
# dist/exdiag_VERSION_OS_ARCH.zip (Windows) or .tar.gz with README.md and
# LICENSE, and dist/SHA256SUMS. Archive times are the commit's, so the same
# commit gives the same archives.
DIST_PLATFORMS := windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/arm64

.PHONY: dist dist-platforms
dist-platforms:
	@echo $(DIST_PLATFORMS)

dist:
	rm -rf dist
	@for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; exe=; [ "$$os" = windows ] && exe=.exe; \
		out=dist/exdiag_$(VERSION)_$${os}_$${arch}/exdiag$$exe; \
		echo "$(GO) build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=auto \
			-ldflags '$(LDFLAGS) -X github.com/exdiag/exdiag/internal/cli.version=$(VERSION)' \
			-o $$out ./cmd/exdiag || exit 1; \
	done
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) \
		$(GO) run ./internal/tools/dist -extra README.md,LICENSE dist
