# bash completion for certgen.  Commands and options are read from certgen's
# own --help, so they never fall behind the program.
_certgen_names()
{
	# Entities of the state directory: NAME/cert.pem under --dir (or $CERTGEN_DIR, ./pki).
	local dir=${CERTGEN_DIR:-pki} i
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == --dir ]] && dir=${COMP_WORDS[i + 1]}
	done
	local d
	for d in "$dir"/*/cert.pem; do
		[[ -e $d ]] || continue
		d=${d%/cert.pem}
		printf '%s\n' "${d##*/}"
	done
}

_certgen()
{
	local cur prev cmd="" i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--dir | --format) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--dir | --out | --trust-root | --nss | --all) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
	--key) COMPREPLY=($(compgen -W "ec256 ec384 rsa2048 rsa3072 rsa4096 ed25519" -- "$cur")); return ;;
	--status) COMPREPLY=($(compgen -W "good revoked unknown" -- "$cur")); return ;;
	--state) COMPREPLY=($(compgen -W "pending qualified usable readonly retired rejected" -- "$cur")); return ;;
	--reason)
		COMPREPLY=($(compgen -W "unspecified keyCompromise cACompromise affiliationChanged \
			superseded cessationOfOperation certificateHold privilegeWithdrawn aACompromise" -- "$cur"))
		return ;;
	--issuer | --signer) COMPREPLY=($(compgen -W "ca $(_certgen_names)" -- "$cur")); return ;;
	--eku) COMPREPLY=($(compgen -W "serverAuth clientAuth serverAuth,clientAuth" -- "$cur")); return ;;
	--cert-file | --key-file | --java | --password-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--dir --force --quiet --format --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(certgen --help 2>/dev/null |
				awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(certgen "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' |
			sort -u)" -- "$cur"))
		return
	fi
	case $cmd in
	revoke | renew | ocsp | p12 | cross) COMPREPLY=($(compgen -W "$(_certgen_names)" -- "$cur")) ;;
	bad) COMPREPLY=($(compgen -W "$(certgen bad --list 2>/dev/null | awk '{ print $1 }')" -- "$cur")) ;;
	apply) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
	sign | pin) COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _certgen certgen
