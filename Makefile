# dondoc — the README's commands. `make demo` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test run lint venv clean

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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot jobs db dondoc bot_api_server importer reports bench

clean:
	rm -rf $(VENV) out var *.egg-info
