# dondoc — the README's commands. `make demo` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test run lint venv clean report-pages

$(STAMP): pyproject.toml
	@echo "==> Setting up $(VENV) (first run only; a minute or two): Python virtual environment"
	@$(PYTHON) -m venv $(VENV)
	@echo "==> Installing dondoc and its dependencies (python-telegram-bot, SQLModel, …)"
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet --progress-bar off -e '.[dev]'
	@touch $(STAMP)
	@echo "==> Ready"

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/dondoc demo

test: $(STAMP)
	$(BIN)/pytest

run: $(STAMP)
	@test -n "$$TELEGRAM_BOT_TOKEN" || { echo "Set TELEGRAM_BOT_TOKEN (from @BotFather) first." >&2; exit 2; }
	$(BIN)/dondoc run

# The demo's Word report as the Office prints it: LibreOffice to PDF, the first pages to PNG
# for the README (needs libreoffice-writer and poppler-utils).
report-pages: $(STAMP)
	$(BIN)/dondoc demo --out out
	cd out && soffice --headless --convert-to pdf bao-cao-2021-08.docx >/dev/null
	$(BIN)/python -m reports.pages out/bao-cao-2021-08.pdf docs/digest-report-page.png

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot jobs db dondoc bot_api_server importer reports bench

clean:
	rm -rf $(VENV) out var *.egg-info
