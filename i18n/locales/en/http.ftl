# http — English catalog.
