# Developer tasks. CI runs .ci/run; these are the same steps by hand.

GO         ?= go
BUNDLE     ?= .
ARGS       ?=
ACTIONLINT ?= $(GO) run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: all test lint preflight bench

all: lint test

test:
	$(GO) test ./...

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(ACTIONLINT) .github/workflows/*.yml

# make preflight BUNDLE=testdata/bundles/cost-explosion-fixed [ARGS="--format json"]
preflight:
	$(GO) run ./cmd/preflight check $(ARGS) -- "$(BUNDLE)"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
