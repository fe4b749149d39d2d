# Hataraku — two commands:  `make run`  (platform with demo data)  and  `make test`  (every test).
SHELL := /bin/bash
PORT ?= 8000
# uv from PATH, or a private copy installed from PyPI into .tools/ on first use.
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)

.PHONY: run test lint sync bench messages clean

# Prefer a private venv; where python3-venv is missing, fall back to pip --target.
$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it from PyPI into .tools/"
	@(python3 -m venv .tools && .tools/bin/python -m pip install --quiet --disable-pip-version-check uv) || \
	  (rm -rf .tools && python3 -m pip install --quiet --disable-pip-version-check --target .tools/lib uv && \
	   mkdir -p .tools/bin && ln -sf ../lib/bin/uv .tools/bin/uv)

sync: $(if $(findstring .tools,$(UV)),$(UV))
	$(UV) sync --frozen --extra rq

run: sync
	PORT=$(PORT) $(UV) run hataraku serve --port $(PORT)

test: sync
	@bash scripts/ensure-browser
	$(UV) run pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: sync
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy .
	$(UV) run lint-imports

bench: sync
	$(UV) run python bench/ledger.py

messages:
	$(UV) run python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=.tools \
	  --ignore=e2e --ignore="*/tests/*"
	$(UV) run python scripts/rewrap_catalogue.py
	$(UV) run python manage.py hataraku_compilemessages

clean:
	rm -rf var .tools
