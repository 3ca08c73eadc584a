# cli — English catalog.
# What the command line prints before the error it exits on.
cli-error-prefix = error:{" "}
# `datalex check`: the summary line.
cli-check-ok = ok: { $packages } package(s), { $regulations } regulation(s), { $articles } article(s), { $rules } rule(s) in { $plans } plan(s); { $warnings } warning(s)
cli-check-failed = failed: { $errors } error(s), { $warnings } warning(s)
# `datalex eval`, `explain`, `export`: the policies do not compile.
cli-policies-do-not-compile = the policies in { $path } do not compile
# `--format` naming a format the command does not write.
cli-unknown-format = --format: unknown format `{ $format }`; expected { $expected }
# `datalex eval -` reads standard input.
cli-standard-input = standard input
# One line of JSON Lines that is not JSON, and the line an error is about.
cli-not-json = not JSON: { $detail }
cli-at-line = line { $line }: { $message }
# A path given on the command line that does not exist.
cli-does-not-exist = { $path } does not exist
# An option whose value is wrong.
cli-option-error = { $option }: { $message }
cli-no-regulation = --regulation: no regulation `{ $id }`; the policies declare { $known }
