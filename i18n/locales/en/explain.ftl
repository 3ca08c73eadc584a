# explain — English catalog.
