# lsp — English catalog.
