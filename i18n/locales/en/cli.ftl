# cli — English catalog.
# What the command line prints before the error it exits on.
cli-error-prefix = error:{" "}
