# wangge — the two commands of the README, and a few helpers.
GO ?= go

.PHONY: demo test test-short fuzz bench build

# Run the main job on the embedded default store.
demo:
	$(GO) run . demo

# The full test suite: installs and starts PostGIS and GDAL when missing,
# creates the test database, then vets and tests every package against it.
test:
	@dsn=$$(bash .ci/setup.sh) && \
	echo "PostGIS tests use $$dsn" && \
	$(GO) vet ./... && \
	WANGGE_TEST_PG="$$dsn" $(GO) test -count=1 -timeout 40m ./...

# Tests without the set-up: PostGIS tests skip unless WANGGE_TEST_PG is set.
test-short:
	$(GO) test ./...

# Short fuzzing of every decoder (the seeds also run in `make test`).
fuzz:
	@for p in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			echo "fuzz $$p $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=20s $$p || exit 1; \
		done; \
	done

bench:
	$(GO) run . bench

build:
	$(GO) build -o wangge .
