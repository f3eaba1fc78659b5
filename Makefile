# Everyday commands. Each one makes .venv (Python >= 3.12) when it is missing.
.PHONY: run test lint format bench bench-dispatch ci

run:            ## web, worker and beat on the embedded defaults, with demo data
	./bin/run

test:           ## the whole suite; extra pytest arguments with ARGS="tests/candidates -x"
	./bin/test $(ARGS)

lint:           ## ruff check and formatting check
	./bin/setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:         ## fix what ruff can fix, then format
	./bin/setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench:          ## pages under gunicorn on 1,000,000 candidates (built once, kept); ARGS="--pages candidates --runs 50"
	./bin/bench pages $(ARGS)

bench-dispatch: ## due-row lookup with 1M future follow-ups; send throughput with 1, 2, 4 workers, CPU per process
	./bin/bench dispatch

ci:             ## what CI runs: install servers, full suite with no skips, prove ./bin/run works
	./.ci/run
