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
cli-watching = watching { $path } for changes
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

# datalex audit verify: the report.
audit-empty = the log holds no record
audit-chain-ok = chain `{ $chain }`: ok, { $records } records; every record's MAC and link holds
audit-chain-broken = chain `{ $chain }`: broken at record #{ $seq } ({ $id }): { $reason }
audit-intact-before = { $intact } records before it are intact; the chain holds { $records } records
audit-last-mac = last MAC (record #{ $seq }): { $mac }
audit-id-unreadable = decision id unreadable
audit-before-start = unexpected sequence number { $seq }: the chain starts at #1
audit-missing-one = record #{ $seq } before it is missing (deleted)
audit-missing-range = records #{ $from } to #{ $to } before it are missing (deleted)
audit-not-text = its `{ $column }` is not text
audit-not-chain-start = its prev_mac is not the chain's start (64 zeros)
audit-not-linked = its prev_mac is not the MAC of record #{ $previous } (a record before it was changed, replaced or deleted)
audit-unknown-key = it names key `{ $key }`, which the key file does not hold
audit-mac-mismatch = its MAC does not match its contents (a field was changed, or it was written without the key)
audit-bad-encoding = its decision is marked compact but is not of the compact form (txt1:)
audit-text-unverified = its decision refers to shared text { $id } of its chain, which is missing, out of sequence, or does not match its own MAC
audit-no-checkpoints = no checkpoints checked (--checkpoint FILE): removing the newest records, or every record, is detected only against them
audit-cp-ok = checkpoints: { $count } in { $file }, each signed by { $key }, and the log reaches every one with the same MAC
audit-cp-broken = checkpoints ({ $file }): { $problem }
audit-cp-unreadable = line { $line } is not a checkpoint ({ $detail })
audit-cp-bad-signature = the checkpoint on line { $line } is not signed by the public key (forged or changed)
audit-cp-shortened = the checkpoint on line { $line } vouches for record #{ $seq } of chain `{ $chain }`, but the log ends at #{ $last }: records were removed from its end
audit-cp-emptied = the checkpoint on line { $line } vouches for record #{ $seq } of chain `{ $chain }`, but the log holds no record of that chain: its records were deleted
audit-cp-head-mismatch = the checkpoint on line { $line } vouches for another record #{ $seq } of chain `{ $chain }` than the log holds: the chain was rewritten
audit-unanchored = { $count } records after the last checkpoint are vouched for by their MACs only
audit-key-beside-log = the public key was read beside the log ({ $key }): a forger who can write there can replace it too; pass the copy kept elsewhere with --public-key
audit-key-from-store = the public keys were read from the database verified ({ $key }): whoever can write there can replace them too; pass the copies kept elsewhere with --public-key
audit-verdict-ok = ok: the log is intact
audit-verdict-broken = broken: the log was changed (see above)
bundle-key-exists = { $path } already exists; a signing key is never overwritten (choose another name)
bundle-keygen-done = wrote the signing key { $key } and its public key { $public } (key id { $id })
bundle-built = wrote { $file } ({ $count } files); sign it with `datalex bundle sign { $file } --key KEY`
bundle-no-key = no signing key at { $key } (make one with `datalex bundle keygen { $key }`)
bundle-signed = signed { $file } with key { $id }
bundle-verified = { $id }: intact ({ $count } files), signed by { $key }, compiles, package tests pass; serves { $jurisdictions }
bundle-refused = the bundle { $file } is refused: { $reason }
bundle-not-a-store = --store must be a PostgreSQL URL (postgres://…), not `{ $store }`
bundle-unsigned-warning = { $file } is not signed; replicas following the bundles will refuse it
bundle-published = published { $file } as the active bundle (publish { $generation }, at { $at }) in { $store }
