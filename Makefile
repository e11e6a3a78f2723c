# Sáng Tạo: `make demo` to try it, `make test` to check it. Needs Python 3.11 (and npm for `make test`).
# Debian's own Python 3.11 where it can make a venv (package python3.11-venv), else the first on the
# PATH: Debian builds it with profile-guided and link-time optimisation, and the suite ran on it with
# 15 % less CPU than on pyenv's build, which has neither (5:43 and 5:50 against 6:50 and 6:15, alternated
# on one slow machine). `make PYTHON=...` chooses another.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip' 2>/dev/null && echo /usr/bin/python3.11 || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Browser-side tools from npm (axe-core for the accessibility gate), pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

install: $(STAMP) messages

# The catalogues are compiled when a .po is newer than its .mo (each `make test` paid 1.6 s for it).
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
messages: $(CATALOGUES:.po=.mo)

$(CATALOGUES:.po=.mo) &: $(CATALOGUES) $(STAMP)
	$(PY) manage.py compiletranslations

demo: install
	DEMO_MODE=1 $(PY) manage.py migrate --noinput
	DEMO_MODE=1 $(PY) manage.py load_demo
	@echo "Serving http://127.0.0.1:8000 (the task worker runs alongside; Ctrl-C stops both)"
	DEMO_MODE=1 $(PY) manage.py runtasks & trap "kill $$!" EXIT INT TERM; \
	DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:8000

# worksteal: a worker that runs out of tests takes half of the other's queue. With the default
# (load) scheduling, one worker was handed the run of browser journeys in one chunk near the end
# and ran them alone while the other sat idle.
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE, set on these
# machines): each worker and each process a test starts would otherwise compile every module and
# pytest would rewrite every test module's assertions again (about 15 s of CPU per run).
test: install node_modules/.package-lock.json
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 2 --dist worksteal -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check sangtao bench
	$(VENV)/bin/mypy sangtao
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m sangtao.core.conventions

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles
