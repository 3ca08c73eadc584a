# diagnostics — English catalog.
