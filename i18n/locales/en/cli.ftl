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
cli-no-requests = { $path }: no request to decide (it is empty); give one JSON request, or JSON Lines
cli-at-line = line { $line }: { $message }
# A path given on the command line that does not exist.
cli-does-not-exist = { $path } does not exist
# An option whose value is wrong.
cli-option-error = { $option }: { $message }
cli-no-regulation = --regulation: no regulation `{ $id }`; the policies declare { $known }
# What the command line prints before a warning.
cli-warning-prefix = warning:{" "}
# The walk over the policy files.
cli-not-regular = { $path }: not a regular file ({ $kind })
cli-too-many-files = { $path }: more than { $limit } policy files
cli-too-many-entries = { $path }: more than { $limit } directory entries (symbolic links reaching the same folders many times?)
cli-too-deep = { $path }: more than { $limit } directory levels deep; not read
cli-too-large = { $path }: { $size } bytes, more than the { $limit } a policy file may have
cli-skipped = { $path }: skipped, { $reason }
cli-skip-not-regular = not a regular file ({ $kind })
cli-skip-symlink-loop = a symbolic link back to { $target }, which is already being read
cli-skip-broken-link = a symbolic link to nothing
cli-kind-fifo = a FIFO
cli-kind-device = a device
cli-kind-socket = a socket
cli-kind-symlink = a symbolic link
cli-kind-other = not a file or a directory
cli-writing = writing { $path }: { $reason }
# `datalex fmt`.
cli-fmt-not-formatted = not formatted: { $path }
cli-fmt-formatted = formatted: { $path }
cli-fmt-would-change-meaning = { $path }: the formatter would change what this file means; it was left alone (please report this)
cli-fmt-summary = { $files } file(s), { $changed } formatted, { $failed } not formattable
cli-fmt-summary-check = { $files } file(s), { $changed } to format, { $failed } not formattable
# `datalex coverage --strict`.
cli-coverage-unaccounted = { $count } paragraph(s) or item(s) neither encoded nor explained by a `coverage` note: { $provisions }
# `datalex export cedar`.
cli-cedar-rejects = Cedar does not accept the export: { $detail }
cli-cedar-invalid = the export of `{ $name }` does not validate against its schema ({ $errors } error(s))
cli-cedar-exported = exported `{ $name }` to { $out }: { $actions } action(s), { $policies } polic(ies), { $entities } entit(ies), { $computed } computed context attribute(s); validated by Cedar (strict), { $warnings } warning(s)
