# bash completion for trustcheck.  Options are read from trustcheck --help,
# so they never fall behind the program; file arguments complete as files.
_trustcheck()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	--format) COMPREPLY=($(compgen -W "text json cbor" -- "$cur")); return ;;
	--purpose) COMPREPLY=($(compgen -W "server client" -- "$cur")); return ;;
	--ct) COMPREPLY=($(compgen -W "on off" -- "$cur")); return ;;
	--revocation) COMPREPLY=($(compgen -W "soft hard off" -- "$cur")); return ;;
	--policy)
		COMPREPLY=($(compgen -W "$(trustcheck --list-policies 2>/dev/null | awk '{ print $1 }')" \
			-- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
		return ;;
	--anchors | --app-anchors | --intermediates | --identities) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--crl | --ocsp | --ats-plist | --password-file | --ct-log-list) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--host | --ip | --email | --uri | --at | --max-depth | --password) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(trustcheck --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' |
			sort -u)" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _trustcheck trustcheck
