# exdiag: the two commands a newcomer needs are `make demo` and `make test`.
GO       ?= go
BIN      ?= bin/exdiag
PKGS     := ./...
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -s -w

.PHONY: all build test lint vet fmt-check windows-tests unit bench clean update-golden

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/exdiag

# test is what CI runs: formatting, vet (Linux and Windows), Windows test
# binaries compile, and every test tier with the race detector.
test: lint windows-tests
	$(GO) test -race -count=1 $(PKGS)

# windows-tests compiles every package's tests for Windows, so platform code
# cannot rot unseen on Linux CI.
windows-tests:
	@for p in $$($(GO) list ./...); do GOOS=windows $(GO) test -c -o /dev/null $$p || exit 1; done

lint: fmt-check vet

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

update-golden:
	$(GO) test ./internal/report/ ./internal/ad/ -update

clean:
	rm -rf bin
