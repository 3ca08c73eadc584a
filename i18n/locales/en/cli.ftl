# cli — English catalog.
# What the command line prints before the error it exits on.
cli-error-prefix = error:{" "}
# `datalex check`: the summary line.
cli-check-ok = ok: { $packages } package(s), { $regulations } regulation(s), { $articles } article(s), { $rules } rule(s) in { $plans } plan(s); { $warnings } warning(s)
cli-check-failed = failed: { $errors } error(s), { $warnings } warning(s)
# `datalex eval`, `explain`, `export`: the policies do not compile.
cli-policies-do-not-compile = the policies in { $path } do not compile
