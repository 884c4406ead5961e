"""Message catalogues, one module per feature; each defines MESSAGES = {key: {locale: text}}."""
