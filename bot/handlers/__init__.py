"""Thin Bolt listeners, one module per feature; each module exposes `register(app, deps)`."""

from __future__ import annotations

import importlib
import pkgutil

from slack_bolt import App

from bot.deps import AppDeps


def register_all(app: App, deps: AppDeps) -> list[str]:
    """Import every handler module and let it register its listeners; return their names."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app, deps)
            names.append(info.name)
    return names
