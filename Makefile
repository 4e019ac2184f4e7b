# One test command for people and CI alike.
GO ?= go

.PHONY: test bench vet fmt run

# test runs every test: unit, fuzz seeds, NATS and Bleve integration, and
# the browser tests (headless Chromium at /usr/bin/chromium).
test: vet
	$(GO) test -count=1 -timeout 25m ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

run:
	$(GO) run ./cmd/versus up
