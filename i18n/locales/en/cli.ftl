# cli — English catalog.
